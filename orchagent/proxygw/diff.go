package proxygw

import "sort"

// Entry is one MY_MAC object: a MAC on a VLAN.
type Entry struct {
	MAC  MAC
	VLAN uint16
}

// Diff returns the minimal creates and removes that turn installed into
// desired, sorted by MAC then VLAN. Entries in both are never touched: no
// flush-and-reinstall.
func Diff(desired, installed Desired) (creates, removes []Entry) {
	for _, m := range sortedMACs(desired, installed) {
		want, have := desired[m], installed[m]
		add := want.Minus(have)
		del := have.Minus(want)
		add.Each(func(v uint16) { creates = append(creates, Entry{m, v}) })
		del.Each(func(v uint16) { removes = append(removes, Entry{m, v}) })
	}
	return creates, removes
}

func sortedMACs(sets ...Desired) []MAC {
	seen := map[MAC]bool{}
	var out []MAC
	for _, s := range sets {
		for m := range s {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}

// Apply returns installed with the creates added and removes taken away.
func Apply(installed Desired, creates, removes []Entry) Desired {
	out := make(Desired, len(installed))
	for m, s := range installed {
		out[m] = s
	}
	for _, e := range removes {
		s := out[e.MAC]
		s.Remove(e.VLAN)
		if s.Empty() {
			delete(out, e.MAC)
		} else {
			out[e.MAC] = s
		}
	}
	for _, e := range creates {
		s := out[e.MAC]
		s.Add(e.VLAN)
		out[e.MAC] = s
	}
	return out
}
