package cfgmgr

import (
	"runtime"
	"testing"
	"time"
)

// TestNoGoroutineLeak: once cfgmgrd stops, its subscription goroutines and
// connections are gone.
func TestNoGoroutineLeak(t *testing.T) {
	d := newDVS(t)
	base := runtime.NumGoroutine()
	d.start()
	d.hset("VLAN|Vlan10", "vlanid", "10")
	d.settle()
	d.stop()
	n := 0
	for i := 0; i < 300; i++ { // go-redis closes pub/sub connections asynchronously
		if n = runtime.NumGoroutine(); n <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Fatalf("goroutines %d → %d:\n%s", base, n, buf[:runtime.Stack(buf, true)])
}
