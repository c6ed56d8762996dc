package loadtest

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// machineTicks reads the machine-wide CPU counters from /proc/stat (Linux): all ticks, the
// busy ones (neither idle nor waiting for I/O) and those waiting for I/O. ok is false
// where there is no /proc/stat.
func machineTicks() (total, busy, iowait uint64, ok bool) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, 0, 0, false
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, 0, 0, false
	}
	var v [8]uint64 // user nice system idle iowait irq softirq steal; guest is inside user
	for i := range v {
		n, err := strconv.ParseUint(fields[i+1], 10, 64)
		if err != nil {
			return 0, 0, 0, false
		}
		v[i] = n
		total += n
	}
	return total, total - v[3] - v[4], v[4], true
}

// usage is what the machine did during a measured window.
type usage struct {
	self    float64 // cores this process used, or -1
	busy    float64 // fraction of all the machine's CPU time busy, or -1
	iowait  float64 // fraction of all the machine's CPU time waiting for I/O, or -1
	loadAvg float64 // one-minute load average at the end, or -1
}

func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return -1
	}
	return v
}
