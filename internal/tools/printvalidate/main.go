// Command printvalidate writes buf/validate/validate.proto from the descriptor that the
// protovalidate Go runtime embeds.
//
// The Buf Schema Registry is out of reach on our machines, so buf cannot fetch the
// protovalidate module as a dependency. Printing the file from the Go module we already
// depend on keeps the vendored proto and the runtime that enforces it at the same version;
// CI reruns this command and fails on any diff.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/jhump/protoreflect/v2/protoprint"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: printvalidate OUTPUT_DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "printvalidate:", err)
		os.Exit(1)
	}
}

func run(outDir string) error {
	fd := validate.File_buf_validate_validate_proto
	var buf bytes.Buffer
	if err := (&protoprint.Printer{}).PrintProtoFile(fd, &buf); err != nil {
		return fmt.Errorf("print %s: %w", fd.Path(), err)
	}
	out := filepath.Join(outDir, fd.Path())
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
