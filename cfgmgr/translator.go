package cfgmgr

import "sort"

// Translator is a table family translated as a whole (cfgmgr/vlt plugs in
// through an adapter): from the snapshot it returns every APP_DB row it
// wants and every row it rejects. The engine calls it at start and after
// each burst that changed a table it owns or reads, and publishes the
// difference from what it published before.
type Translator interface {
	// Tables are the CONFIG_DB tables it validates; their errors are its.
	Tables() []string
	// Reads are other CONFIG_DB tables whose changes it depends on.
	Reads() []string
	// AppTables are the APP_DB tables it writes (no family writes them).
	AppTables() []string
	// Translate returns the desired APP_DB rows and the rejected rows.
	Translate(s *Snapshot) ([]AppRow, map[TableKey]Rejection)
}

// translatorState is what one translator has published.
type translatorState struct {
	t       Translator
	watch   map[string]bool
	owns    map[string]bool
	out     map[AppKey]Fields
	pending bool // run at the end of this burst
}

func newTranslatorState(t Translator) *translatorState {
	ts := &translatorState{t: t, watch: map[string]bool{}, owns: map[string]bool{}, out: map[AppKey]Fields{}}
	for _, tbl := range t.Tables() {
		ts.watch[tbl], ts.owns[tbl] = true, true
	}
	for _, tbl := range t.Reads() {
		ts.watch[tbl] = true
	}
	return ts
}

// seedTranslators takes the existing rows of each translator's APP_DB
// tables as what it published.
func (e *Engine) seedTranslators(existing map[AppKey]Fields) {
	for _, ts := range e.trans {
		apps := map[string]bool{}
		for _, t := range ts.t.AppTables() {
			apps[t] = true
		}
		for k, f := range existing {
			if apps[k.Table] {
				ts.out[k] = f
			}
		}
		ts.pending = true
	}
}

// noteTranslators marks the translators that watch a changed table.
func (e *Engine) noteTranslators(table string) {
	for _, ts := range e.trans {
		if ts.watch[table] {
			ts.pending = true
		}
	}
}

// runTranslators runs the marked translators and publishes their diffs.
func (e *Engine) runTranslators(start bool) {
	for _, ts := range e.trans {
		if !ts.pending {
			continue
		}
		ts.pending = false
		rows, rejs := ts.t.Translate(e.snap)
		want := make(map[AppKey]Fields, len(rows))
		for _, r := range rows {
			want[r.AppKey] = r.Fields
		}
		var gone []AppKey
		for k := range ts.out {
			if _, ok := want[k]; !ok {
				gone = append(gone, k)
			}
		}
		sort.Slice(gone, func(i, j int) bool { return gone[i].String() < gone[j].String() })
		for _, k := range gone {
			e.plan.del(k)
			delete(ts.out, k)
		}
		for _, r := range rows {
			prev, had := ts.out[r.AppKey]
			switch {
			case had && prev.Equal(r.Fields):
			case had && start && subsetOf(r.Fields, prev):
			case had && !start && dropsField(prev, r.Fields):
				e.plan.del(r.AppKey)
				e.plan.set(r)
			default:
				e.plan.set(r)
			}
			ts.out[r.AppKey] = r.Fields
		}
		var keys []TableKey
		for k := range e.rej {
			if ts.owns[k.Table] {
				keys = append(keys, k)
			}
		}
		for k := range rejs {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].Less(keys[j]) })
		for i, k := range keys {
			if i > 0 && keys[i-1] == k {
				continue
			}
			if r, ok := rejs[k]; ok {
				e.report(k, &r)
			} else {
				e.report(k, nil)
			}
		}
	}
}
