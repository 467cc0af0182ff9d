package cfgmgr

import "strings"

// worklist holds the rows to evaluate, deduplicated, popped lowest rank
// first so parents (PORT, VLAN, interface rows) settle before their children.
type worklist struct {
	queues [][]TableKey
	heads  []int
	queued map[TableKey]struct{}
	rank   func(TableKey) int
}

func newWorklist(ranks int, rank func(TableKey) int) *worklist {
	return &worklist{
		queues: make([][]TableKey, ranks),
		heads:  make([]int, ranks),
		queued: map[TableKey]struct{}{},
		rank:   rank,
	}
}

func (w *worklist) add(k TableKey) {
	if _, ok := w.queued[k]; ok {
		return
	}
	w.queued[k] = struct{}{}
	r := w.rank(k)
	w.queues[r] = append(w.queues[r], k)
}

func (w *worklist) next() (TableKey, bool) {
	for r := range w.queues {
		if w.heads[r] < len(w.queues[r]) {
			k := w.queues[r][w.heads[r]]
			w.heads[r]++
			if w.heads[r] == len(w.queues[r]) {
				w.queues[r], w.heads[r] = w.queues[r][:0], 0
			}
			delete(w.queued, k)
			return k, true
		}
	}
	return TableKey{}, false
}

// keyDepth is 0 for a one-part key, 1 for two parts, 2 for more: an
// interface row ranks before its address rows.
func keyDepth(key string) int { return min(strings.Count(key, "|"), 2) }
