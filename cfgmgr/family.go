package cfgmgr

// Family validates and translates the rows of a group of CONFIG_DB tables
// (one file per family). Families are pure: everything they know comes from
// the View.
type Family interface {
	// Tables are the CONFIG_DB tables whose rows this family evaluates.
	Tables() []string
	// AppTables are the APP_DB tables this family writes.
	AppTables() []string
	// Indexers are the secondary indexes the family needs in the snapshot.
	// Indexers with Claim set are exclusive: one row holds each value.
	Indexers() []Indexer
	// Dependents calls add for each row of this family that must be
	// re-evaluated because row k (of any table) was set, deleted, applied or
	// withdrawn. k itself is re-evaluated anyway.
	Dependents(s *Snapshot, k TableKey, add func(TableKey))
	// Eval validates one existing row against the view and returns the
	// APP_DB rows it produces, or an *Error.
	Eval(v *View, k TableKey, f Fields) ([]AppRow, error)
	// AppKeys returns the APP_DB keys row k produces when it is valid, from
	// the key alone; nil when the key is malformed. The engine uses it at
	// start to recognise rows a previous run already published.
	AppKeys(k TableKey) []AppKey
}

// View is what a family sees while evaluating a row: the snapshot, which rows
// are applied (published to APP_DB) at this moment, and who holds each
// exclusive claim.
type View struct {
	*Snapshot
	applied map[TableKey]struct{}
	holders map[string]map[string]TableKey // claim index → value → holder
	roles   map[string]*[3]int             // port → applied rows per role
}

// NewView returns a view over s with the given applied rows and claim holders
// (for tests of a single family; the engine keeps its own).
func NewView(s *Snapshot, applied []TableKey) *View {
	v := &View{Snapshot: s, applied: map[TableKey]struct{}{}, holders: map[string]map[string]TableKey{}, roles: map[string]*[3]int{}}
	for _, k := range applied {
		v.setApplied(k, true)
	}
	return v
}

// setApplied records whether row k is published, keeping the per-port role
// counts.
func (v *View) setApplied(k TableKey, on bool) {
	_, was := v.applied[k]
	if was == on {
		return
	}
	if on {
		v.applied[k] = struct{}{}
	} else {
		delete(v.applied, k)
	}
	port, r, ok := roleOf(k)
	if !ok {
		return
	}
	c := v.roles[port]
	if c == nil {
		c = &[3]int{}
		v.roles[port] = c
	}
	if on {
		c[r]++
	} else if c[r]--; *c == [3]int{} {
		delete(v.roles, port)
	}
}

// appliedInRole returns how many applied rows give port role r.
func (v *View) appliedInRole(port string, r portRole) int {
	if c := v.roles[port]; c != nil {
		return c[r]
	}
	return 0
}

// Applied reports whether row k is currently published.
func (v *View) Applied(k TableKey) bool {
	_, ok := v.applied[k]
	return ok
}

// Holder returns the row holding value in a claim index, if any.
func (v *View) Holder(index, value string) (TableKey, bool) {
	k, ok := v.holders[index][value]
	return k, ok
}

// claimed returns the row that owns value of a claim index, as row k sees
// it: the current holder, else the lowest key filed under value. ok is false
// when k may take the value.
func (v *View) claimed(index, value string, k TableKey) (TableKey, bool) {
	if h, ok := v.Holder(index, value); ok && h != k {
		return h, true
	}
	if _, ok := v.Holder(index, value); ok {
		return TableKey{}, false
	}
	rows := v.Lookup(index, value)
	if len(rows) > 0 && rows[0] != k {
		return rows[0], true
	}
	return TableKey{}, false
}
