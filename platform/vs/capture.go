package vs

import (
	"sync"
	"time"
)

// capturedFrame is one egress frame kept for the control service.
type capturedFrame struct {
	frame []byte
	at    time.Time
}

// captureRing keeps the last frames sent out of a port.
type captureRing struct {
	mu     sync.Mutex
	limit  int
	frames []capturedFrame
	start  int // index of the oldest frame when full
}

func newCaptureRing(limit int) *captureRing {
	if limit <= 0 {
		return nil
	}
	return &captureRing{limit: limit}
}

// add keeps frame (not copied: egress frames are never modified after
// the pipeline built them).
func (r *captureRing) add(frame []byte, at time.Time) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.frames) < r.limit {
		r.frames = append(r.frames, capturedFrame{frame, at})
		return
	}
	r.frames[r.start] = capturedFrame{frame, at}
	r.start = (r.start + 1) % r.limit
}

// snapshot returns the frames oldest first, emptying the ring when clear.
func (r *captureRing) snapshot(clear bool) []capturedFrame {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]capturedFrame, 0, len(r.frames))
	out = append(out, r.frames[r.start:]...)
	out = append(out, r.frames[:r.start]...)
	if clear {
		r.frames, r.start = nil, 0
	}
	return out
}
