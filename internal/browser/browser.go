// Package browser starts Debian's headless Chromium for tests of the pages the server
// renders, through chromedp. Tests fail, rather than skip, when Chromium is missing:
// scripts/deps.sh installs it, and a page nobody looked at in a browser is untested.
package browser

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Start returns a browser context for one test, closed when the test ends.
func Start(t testing.TB) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("chromium not found: run scripts/deps.sh (it installs Debian's chromium package)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in CI; the page under test is our own
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Download clicks the link matching selector on the current page, as a person would, and
// returns the file the browser saved.
func Download(ctx context.Context, t testing.TB, selector string) []byte {
	t.Helper()
	dir := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
				DownloadPath:  dir,
				EventsEnabled: ptr(true),
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(selector)),
	)
	if err != nil {
		t.Fatalf("click %s: %v", selector, err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download from %s: %v", selector, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatalf("read download: %v", err)
			}
			return data
		case browser.DownloadProgressStateCanceled:
			t.Fatalf("download from %s was canceled", selector)
		}
	}
	t.Fatalf("download from %s never completed", selector)
	return nil
}

func ptr[T any](v T) *T { return &v }
