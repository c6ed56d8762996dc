//go:build !unix

package loadtest

// cpuSeconds is unknown here.
func cpuSeconds() float64 { return -1 }
