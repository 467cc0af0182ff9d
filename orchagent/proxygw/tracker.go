package proxygw

// StatusTableFull is the SAI status of a create refused for lack of room.
const StatusTableFull = "SAI_STATUS_TABLE_FULL"

// Tracker keeps what the hardware holds and what it refused, and plans the
// moves towards a desired set. Entries refused with TABLE_FULL are not sent
// again on every change (that would hammer a full table); they are retried
// when room may have appeared: after a successful remove, or RoomAvailable.
// Other refusals are retried on the next plan (they may be transient).
type Tracker struct {
	installed Desired
	failed    map[Entry]string // entry → SAI status name
	room      bool
}

// NewTracker starts from installed (what a restarted orch found in the
// hardware; nil for nothing).
func NewTracker(installed Desired) *Tracker {
	if installed == nil {
		installed = Desired{}
	}
	return &Tracker{installed: installed, failed: map[Entry]string{}}
}

// Plan returns the removes (to send first, they free room) and creates that
// move the hardware to desired.
func (t *Tracker) Plan(desired Desired) (creates, removes []Entry) {
	creates, removes = Diff(desired, t.installed)
	for e := range t.failed {
		if s := desired[e.MAC]; !s.Has(e.VLAN) {
			delete(t.failed, e) // no longer wanted: nothing to report
		}
	}
	if !t.room {
		kept := creates[:0]
		for _, e := range creates {
			if t.failed[e] != StatusTableFull {
				kept = append(kept, e)
			}
		}
		creates = kept
	}
	t.room = false
	return creates, removes
}

// Created records the outcome of a create ("" or SAI_STATUS_SUCCESS =
// installed).
func (t *Tracker) Created(e Entry, status string) {
	if status == "" || status == "SAI_STATUS_SUCCESS" || status == "SAI_STATUS_ITEM_ALREADY_EXISTS" {
		s := t.installed[e.MAC]
		s.Add(e.VLAN)
		t.installed[e.MAC] = s
		delete(t.failed, e)
		return
	}
	t.failed[e] = status
}

// Removed records the outcome of a remove; a successful one frees room.
func (t *Tracker) Removed(e Entry, status string) {
	if status != "" && status != "SAI_STATUS_SUCCESS" && status != "SAI_STATUS_ITEM_NOT_FOUND" {
		return // still installed; the next plan tries again
	}
	s := t.installed[e.MAC]
	s.Remove(e.VLAN)
	if s.Empty() {
		delete(t.installed, e.MAC)
	} else {
		t.installed[e.MAC] = s
	}
	t.room = true
}

// RoomAvailable makes the next plan retry TABLE_FULL refusals (capacity
// grew, or another user of the table freed entries).
func (t *Tracker) RoomAvailable() { t.room = true }

// HasTableFull reports refusals waiting for room.
func (t *Tracker) HasTableFull() bool {
	for _, st := range t.failed {
		if st == StatusTableFull {
			return true
		}
	}
	return false
}

// Installed returns a copy of what the hardware holds.
func (t *Tracker) Installed() Desired {
	out := make(Desired, len(t.installed))
	for m, s := range t.installed {
		out[m] = s
	}
	return out
}

// Counts returns the number of installed and failed entries.
func (t *Tracker) Counts() (installed, failed int) { return t.installed.Entries(), len(t.failed) }

// MACStatus is the STATE_DB view of one remote MAC.
type MACStatus struct {
	Installed VLANSet
	Failed    VLANSet
	State     string // installed, partial, failed, pending
	Error     string // e.g. "SAI_STATUS_TABLE_FULL on 2 VLANs: 30,40"
}

// Status reports MAC m against the VLANs it should be on.
func (t *Tracker) Status(m MAC, want VLANSet) MACStatus {
	st := MACStatus{Installed: t.installed[m].Intersect(want)}
	reasons := map[string]*VLANSet{}
	for e, s := range t.failed {
		if e.MAC == m && want.Has(e.VLAN) {
			st.Failed.Add(e.VLAN)
			if reasons[s] == nil {
				reasons[s] = &VLANSet{}
			}
			reasons[s].Add(e.VLAN)
		}
	}
	switch n, f := st.Installed.Len(), st.Failed.Len(); {
	case want.Empty():
		st.State = "installed" // nothing to install (every L3 VLAN excluded)
	case n == want.Len():
		st.State = "installed"
	case f > 0 && n == 0:
		st.State = "failed"
	case f > 0:
		st.State = "partial"
	default:
		st.State = "pending"
	}
	for _, s := range sortedStrings(reasons) {
		if st.Error != "" {
			st.Error += "; "
		}
		st.Error += s + " on VLANs " + reasons[s].String()
	}
	return st
}

func sortedStrings(m map[string]*VLANSet) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
