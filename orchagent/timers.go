package orchagent

import "time"

// timer is a function to run on the event loop once the clock passes due.
type timer struct {
	due       time.Time
	fn        func()
	cancelled bool
}

// afterFunc schedules fn on the event loop after d (by the agent's Clock);
// the returned function cancels it.
func (c *core) afterFunc(d time.Duration, fn func()) (cancel func()) {
	t := &timer{due: c.clock.Now().Add(d), fn: fn}
	c.timers = append(c.timers, t)
	return func() { t.cancelled = true }
}

// nextWake is when the loop must wake next: the earliest row retry or
// timer (ok false: never).
func (c *core) nextWake() (time.Time, bool) {
	first, ok := c.nextRetry()
	for _, t := range c.timers {
		if !t.cancelled && (!ok || t.due.Before(first)) {
			first, ok = t.due, true
		}
	}
	return first, ok
}

// wake runs what is due at now: retries are queued, timers fire (in due
// order; a timer may schedule another).
func (c *core) wake(now time.Time) {
	c.retryDue(now)
	var due, keep []*timer
	for _, t := range c.timers {
		switch {
		case t.cancelled:
		case !t.due.After(now):
			due = append(due, t)
		default:
			keep = append(keep, t)
		}
	}
	c.timers = keep
	for len(due) > 0 {
		first := 0
		for i, t := range due {
			if t.due.Before(due[first].due) {
				first = i
			}
		}
		t := due[first]
		due = append(due[:first], due[first+1:]...)
		if !t.cancelled {
			safely(c.log, "timer", t.fn)
		}
	}
}
