package cfgmgr

import (
	"fmt"
	"sort"
)

// maxEvalsPerBurst bounds how often one row is evaluated in one burst, so a
// rule cycle cannot spin forever.
const maxEvalsPerBurst = 8

// DefaultFamilies returns the built-in families, parents first.
func DefaultFamilies() []Family {
	return []Family{MetadataFamily{}, PortFamily{}, PortChannelFamily{}, VlanFamily{},
		InterfaceFamily{}, NeighFamily{}, RouteFamily{}}
}

// Engine is the pure core of cfgmgrd: it keeps the snapshot and what each
// CONFIG_DB row has published, and turns events into Plans. Not safe for
// concurrent use.
type Engine struct {
	fams    []Family
	famOf   map[string]Family
	rankOf  map[string]int
	snap    *Snapshot
	view    *View
	out     map[TableKey][]AppRow
	owner   map[AppKey]TableKey
	waiters map[AppKey]map[TableKey]struct{}
	held    map[TableKey]map[string][]string
	rej     map[TableKey]Rejection
	seeded  map[TableKey]bool
	evals   map[TableKey]int
	work    *worklist      // empty between bursts; kept so its storage is reused
	addWork func(TableKey) // e.work.add, bound once (a method value allocates)
	plan    *Plan
	trans   []*translatorState
}

// NewEngine returns an engine for the families, in evaluation order.
func NewEngine(fams ...Family) (*Engine, error) { return NewEngineWith(fams, nil) }

// NewEngineWith returns an engine for families and whole-table translators.
func NewEngineWith(fams []Family, trans []Translator) (*Engine, error) {
	e := &Engine{
		fams:    fams,
		famOf:   map[string]Family{},
		rankOf:  map[string]int{},
		out:     map[TableKey][]AppRow{},
		owner:   map[AppKey]TableKey{},
		waiters: map[AppKey]map[TableKey]struct{}{},
		held:    map[TableKey]map[string][]string{},
		rej:     map[TableKey]Rejection{},
		seeded:  map[TableKey]bool{},
	}
	var ix []Indexer
	for _, f := range fams {
		for _, t := range f.Tables() {
			if _, dup := e.famOf[t]; dup {
				return nil, fmt.Errorf("cfgmgr: table %s has two families", t)
			}
			e.famOf[t] = f
			e.rankOf[t] = len(e.rankOf)
		}
		ix = append(ix, f.Indexers()...)
	}
	apps := map[string]bool{}
	for _, t := range e.AppTables() {
		apps[t] = true
	}
	for _, t := range trans {
		for _, tbl := range t.Tables() {
			if _, dup := e.famOf[tbl]; dup {
				return nil, fmt.Errorf("cfgmgr: table %s has a family and a translator", tbl)
			}
		}
		for _, tbl := range t.AppTables() {
			if apps[tbl] {
				return nil, fmt.Errorf("cfgmgr: APP_DB table %s is written twice", tbl)
			}
			apps[tbl] = true
		}
		e.trans = append(e.trans, newTranslatorState(t))
	}
	e.evals = map[TableKey]int{}
	e.work = newWorklist(len(e.rankOf)*3, func(k TableKey) int {
		return e.rankOf[k.Table]*3 + keyDepth(k.Key)
	})
	e.addWork = e.work.add
	e.snap = NewSnapshot(ix...)
	e.view = NewView(e.snap, nil)
	return e, nil
}

// Tables returns the CONFIG_DB tables the families evaluate.
func (e *Engine) Tables() []string {
	var t []string
	for _, f := range e.fams {
		t = append(t, f.Tables()...)
	}
	return t
}

// Subscriptions returns every CONFIG_DB table the engine needs, once.
func (e *Engine) Subscriptions() []string {
	seen := map[string]bool{}
	var out []string
	add := func(ts []string) {
		for _, t := range ts {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	add(e.Tables())
	for _, ts := range e.trans {
		add(ts.t.Tables())
		add(ts.t.Reads())
	}
	return out
}

// AppTables returns the APP_DB tables the engine writes.
func (e *Engine) AppTables() []string {
	var t []string
	for _, f := range e.fams {
		t = append(t, f.AppTables()...)
	}
	for _, ts := range e.trans {
		t = append(t, ts.t.AppTables()...)
	}
	return t
}

// Snapshot returns the engine's snapshot (read-only for callers).
func (e *Engine) Snapshot() *Snapshot { return e.snap }

// Rejections returns the current rejections, by row.
func (e *Engine) Rejections() map[TableKey]Rejection {
	out := make(map[TableKey]Rejection, len(e.rej))
	for k, r := range e.rej {
		out[k] = r
	}
	return out
}

// Start loads the initial CONFIG_DB dump and reconciles with what APP_DB
// and STATE_DB already hold from a previous run: rows that would publish
// what APP_DB holds are taken as applied (and not rewritten when still
// right), APP_DB rows no CONFIG_DB row produces are deleted, and stale
// errors are cleared.
func (e *Engine) Start(rows []Event, existing map[AppKey]Fields, errs map[TableKey]Rejection) *Plan {
	e.begin()
	for _, ev := range rows {
		if ev.Op == OpSet {
			e.snap.Set(ev.TableKey, ev.Fields)
		}
	}
	for _, k := range e.ownedRows() {
		e.seed(k, existing)
	}
	for k, r := range errs {
		if e.ownsErrors(k.Table) {
			e.rej[k] = r
		}
	}
	for _, k := range e.ownedRows() {
		e.work.add(k)
	}
	e.settle()
	e.seedTranslators(existing)
	e.runTranslators(true)
	owned := map[string]bool{}
	for _, f := range e.fams {
		for _, t := range f.AppTables() {
			owned[t] = true
		}
	}
	var orphans []AppKey
	for k := range existing {
		if _, ok := e.owner[k]; !ok && owned[k.Table] {
			orphans = append(orphans, k)
		}
	}
	sort.Slice(orphans, func(i, j int) bool { return orphans[i].String() < orphans[j].String() })
	for _, k := range orphans {
		e.plan.del(k)
	}
	var stale []TableKey
	for k := range e.rej {
		if _, fam := e.famOf[k.Table]; fam && !e.snap.Has(k.Table, k.Key) {
			stale = append(stale, k)
		}
	}
	sort.Slice(stale, func(i, j int) bool { return stale[i].Less(stale[j]) })
	for _, k := range stale {
		delete(e.rej, k)
		e.plan.Errors = append(e.plan.Errors, ErrorOp{TableKey: k})
	}
	clear(e.seeded)
	return e.end()
}

// Apply takes one burst of CONFIG_DB events and returns what to write.
func (e *Engine) Apply(events []Event) *Plan {
	e.begin()
	for _, ev := range events {
		e.change(ev)
	}
	e.settle()
	e.runTranslators(false)
	return e.end()
}

// ownsErrors reports whether the engine manages the errors of a table.
func (e *Engine) ownsErrors(table string) bool {
	if _, ok := e.famOf[table]; ok {
		return true
	}
	for _, ts := range e.trans {
		if ts.owns[table] {
			return true
		}
	}
	return false
}

func (e *Engine) begin() {
	e.plan = &Plan{}
	clear(e.evals)
}

func (e *Engine) end() *Plan {
	p := e.plan
	e.plan = nil
	return p
}

// ownedRows returns the snapshot rows of the families' tables, sorted.
func (e *Engine) ownedRows() []TableKey {
	var out []TableKey
	for _, t := range e.Tables() {
		for _, k := range e.snap.Keys(t) {
			out = append(out, TableKey{t, k})
		}
	}
	return out
}

// seed marks row k applied when APP_DB already holds every row it produces.
func (e *Engine) seed(k TableKey, existing map[AppKey]Fields) {
	keys := e.famOf[k.Table].AppKeys(k)
	if len(keys) == 0 {
		return
	}
	rows := make([]AppRow, 0, len(keys))
	for _, ak := range keys {
		f, ok := existing[ak]
		if _, taken := e.owner[ak]; !ok || taken {
			return
		}
		rows = append(rows, row(ak, f))
	}
	for _, r := range rows {
		e.owner[r.AppKey] = k
	}
	e.out[k] = rows
	e.seeded[k] = true
	e.view.setApplied(k, true)
	f, _ := e.snap.Get(k.Table, k.Key)
	e.takeClaims(k, e.snap.claims(k, f))
}

// change applies one event to the snapshot and queues what it affects.
func (e *Engine) change(ev Event) {
	k := ev.TableKey
	old, _ := e.snap.Get(k.Table, k.Key)
	before := e.snap.claims(k, old)
	var changed bool
	if ev.Op == OpDel {
		changed = e.snap.Del(k)
	} else {
		changed = e.snap.Set(k, ev.Fields)
	}
	if !changed {
		return
	}
	e.noteTranslators(k.Table)
	if _, ok := e.famOf[k.Table]; ok {
		e.work.add(k)
	}
	e.dependents(k)
	now, _ := e.snap.Get(k.Table, k.Key)
	for _, claims := range []map[string][]string{before, e.snap.claims(k, now)} {
		for index, values := range claims {
			for _, v := range values {
				e.contenders(index, v, k)
			}
		}
	}
}

func (e *Engine) dependents(k TableKey) {
	for _, f := range e.fams {
		f.Dependents(e.snap, k, e.addWork)
	}
}

func (e *Engine) contenders(index, value string, except TableKey) {
	for _, c := range e.snap.Lookup(index, value) {
		if c != except {
			e.work.add(c)
		}
	}
}

// settle evaluates queued rows until nothing changes.
func (e *Engine) settle() {
	for {
		k, ok := e.work.next()
		if !ok {
			return
		}
		e.evals[k]++
		if e.evals[k] > maxEvalsPerBurst {
			if e.evals[k] == maxEvalsPerBurst+1 {
				e.plan.Stuck = append(e.plan.Stuck, k)
			}
			continue
		}
		e.eval(k)
	}
}

// eval re-evaluates one row and publishes the difference.
func (e *Engine) eval(k TableKey) {
	f, exists := e.snap.Get(k.Table, k.Key)
	var rows []AppRow
	var rej *Rejection
	if exists {
		var err error
		rows, err = e.famOf[k.Table].Eval(e.view, k, f)
		if err != nil {
			rows, rej = nil, rejectionOf(err)
		} else if r := e.checkOwners(k, rows); r != nil {
			rows, rej = nil, r
		}
	}
	was := e.view.Applied(k)
	now := exists && rej == nil
	e.publish(k, rows)
	e.view.setApplied(k, now)
	if now {
		e.takeClaims(k, e.snap.claims(k, f))
	} else {
		e.takeClaims(k, nil)
	}
	e.report(k, rej)
	if was != now {
		e.dependents(k)
	}
}

// checkOwners rejects rows whose APP_DB key another row already produces.
func (e *Engine) checkOwners(k TableKey, rows []AppRow) *Rejection {
	for _, r := range rows {
		if o, ok := e.owner[r.AppKey]; ok && o != k {
			if e.waiters[r.AppKey] == nil {
				e.waiters[r.AppKey] = map[TableKey]struct{}{}
			}
			e.waiters[r.AppKey][k] = struct{}{}
			return &Rejection{Field: KeyField, Reason: fmt.Sprintf("APP_DB row %s is already produced by %s", r.AppKey, o)}
		}
	}
	return nil
}

// publish writes the difference between what row k published and rows.
func (e *Engine) publish(k TableKey, rows []AppRow) {
	old := e.out[k]
	seeded := e.seeded[k]
	delete(e.seeded, k)
	for _, o := range old {
		if !hasKey(rows, o.AppKey) {
			e.plan.del(o.AppKey)
			e.release(o.AppKey)
		}
	}
	for _, r := range rows {
		prev, had := findKey(old, r.AppKey)
		switch {
		case had && prev.Equal(r.Fields):
		case had && seeded && subsetOf(r.Fields, prev):
		case had && !seeded && dropsField(prev, r.Fields):
			e.plan.del(r.AppKey)
			e.plan.set(r)
		default:
			e.plan.set(r)
		}
		e.owner[r.AppKey] = k
	}
	if len(rows) == 0 {
		delete(e.out, k)
	} else {
		e.out[k] = rows
	}
}

// release frees an APP_DB key and wakes the rows waiting for it.
func (e *Engine) release(k AppKey) {
	delete(e.owner, k)
	for w := range e.waiters[k] {
		e.work.add(w)
	}
	delete(e.waiters, k)
}

// takeClaims makes row k hold exactly the given claim values (nil: none),
// waking the contenders of released values.
func (e *Engine) takeClaims(k TableKey, want map[string][]string) {
	for index, values := range e.held[k] {
		for _, v := range values {
			if contains(want[index], v) {
				continue
			}
			if e.view.holders[index][v] == k {
				delete(e.view.holders[index], v)
				e.contenders(index, v, k)
			}
		}
	}
	delete(e.held, k)
	for index, values := range want {
		if e.view.holders[index] == nil {
			e.view.holders[index] = map[string]TableKey{}
		}
		var got []string
		for _, v := range values {
			if h, ok := e.view.holders[index][v]; !ok || h == k {
				e.view.holders[index][v] = k
				got = append(got, v)
			}
		}
		if len(got) > 0 {
			if e.held[k] == nil {
				e.held[k] = map[string][]string{}
			}
			e.held[k][index] = got
		}
	}
}

// report records a row's rejection (nil: valid or deleted) in the plan.
func (e *Engine) report(k TableKey, rej *Rejection) {
	cur, had := e.rej[k]
	if rej == nil {
		if had {
			delete(e.rej, k)
			e.plan.Errors = append(e.plan.Errors, ErrorOp{TableKey: k})
		}
		return
	}
	if had && cur.Field == rej.Field && cur.Reason == rej.Reason {
		return
	}
	e.rej[k] = *rej
	e.plan.Errors = append(e.plan.Errors, ErrorOp{TableKey: k, Rejection: rej})
}

func hasKey(rows []AppRow, k AppKey) bool {
	_, ok := findKey(rows, k)
	return ok
}

func findKey(rows []AppRow, k AppKey) (Fields, bool) {
	for _, r := range rows {
		if r.AppKey == k {
			return r.Fields, true
		}
	}
	return nil, false
}

// subsetOf reports whether every pair of f is in g.
func subsetOf(f, g Fields) bool {
	for k, v := range f {
		if w, ok := g[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// dropsField reports whether a field of old is missing from new: such a row
// is deleted and set again, so the APP_DB row holds exactly the new fields.
func dropsField(old, new Fields) bool {
	for k := range old {
		if _, ok := new[k]; !ok {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
