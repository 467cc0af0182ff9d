package lldp

import (
	"slices"
	"time"
)

// Learned set of the Agent: the union of what neighbours advertise, minus
// our own and our VLT peer's MACs, under the per-domain cap.
//
// Cap policy (spec §5 leaves the choice to us): a learned MAC is never
// evicted by a newer one (no churn in the MY_MAC table); candidates beyond
// MaxLearnedMACs are refused and kept with the time they were first
// refused. The set is re-evaluated on every change (a neighbour's MAC set
// changes, a neighbour goes away, config changes), so refused MACs are
// learned as soon as room appears, oldest refusal first (then by MAC).

// relearn recomputes learned and refused from the neighbour table.
func (a *Agent) relearn(now time.Time) {
	cand := make(map[MAC]bool)
	for _, n := range a.neighbors {
		for _, m := range n.macs {
			if !a.ignore[m] {
				cand[m] = true
			}
		}
	}
	for m := range a.learned {
		if !cand[m] {
			delete(a.learned, m)
		}
	}
	for m := range a.refused {
		if !cand[m] {
			delete(a.refused, m)
		}
	}
	var waiting []MAC
	for m := range cand {
		if a.learned[m] {
			continue
		}
		if _, ok := a.refused[m]; !ok {
			a.refused[m] = now
		}
		waiting = append(waiting, m)
	}
	slices.SortFunc(waiting, func(x, y MAC) int {
		if c := a.refused[x].Compare(a.refused[y]); c != 0 {
			return c
		}
		return compareMAC(x, y)
	})
	for _, m := range waiting {
		if len(a.learned) >= MaxLearnedMACs {
			break
		}
		a.learned[m] = true
		delete(a.refused, m)
	}
}

// MACChange is a change of the learned set since the previous Changes call:
// Learned true = write the MAC to APP_DB, false = delete it.
type MACChange struct {
	MAC     MAC
	Learned bool
}

// Changes returns the net changes of the learned set since the previous
// call (a MAC learned and lost in between does not appear), removals first
// so that a consumer with a full table frees room before adding, each group
// sorted by MAC.
func (a *Agent) Changes() []MACChange {
	var out []MACChange
	for m := range a.reported {
		if !a.learned[m] {
			out = append(out, MACChange{MAC: m})
			delete(a.reported, m)
		}
	}
	for m := range a.learned {
		if !a.reported[m] {
			out = append(out, MACChange{MAC: m, Learned: true})
			a.reported[m] = true
		}
	}
	slices.SortFunc(out, func(x, y MACChange) int {
		if x.Learned != y.Learned {
			if !x.Learned {
				return -1
			}
			return 1
		}
		return compareMAC(x.MAC, y.MAC)
	})
	return out
}
