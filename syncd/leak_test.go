package syncd

import (
	"runtime"
	"testing"
	"time"
)

// TestNoGoroutineLeak: after a syncd stops, its goroutines (popper,
// subscriber, HAL client watcher) are gone.
func TestNoGoroutineLeak(t *testing.T) {
	e := newEnv(t)
	f := newFakeHal("s1", 0x1000)
	stop := serveFake(t, e.halSock, f)
	base := runtime.NumGoroutine()
	e.startSyncd()
	populate(e)
	e.stopSyncd()
	stop()
	n := 0
	for i := 0; i < 200; i++ { // gRPC transports wind down asynchronously
		if n = runtime.NumGoroutine(); n <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Fatalf("goroutines %d → %d:\n%s", base, n, buf[:runtime.Stack(buf, true)])
}
