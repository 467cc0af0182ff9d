package cfgmgr

// AppOp is one APP_DB write: SET the fields of a row, or DEL it.
type AppOp struct {
	Op Op
	AppRow
}

// ErrorOp sets (Rejection non-nil) or clears the STATE_DB error of a
// CONFIG_DB row.
type ErrorOp struct {
	TableKey
	Rejection *Rejection
}

// Plan is what one burst of CONFIG_DB events changes: APP_DB operations in
// order (a DEL then a SET of the same key replaces the row) and STATE_DB
// error updates.
type Plan struct {
	App    []AppOp
	Errors []ErrorOp
	// Stuck lists rows whose evaluation did not settle within the burst
	// (a rule cycle); they keep their last outcome.
	Stuck []TableKey
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.App) == 0 && len(p.Errors) == 0 && len(p.Stuck) == 0 }

func (p *Plan) set(r AppRow) { p.App = append(p.App, AppOp{Op: OpSet, AppRow: r}) }
func (p *Plan) del(k AppKey) { p.App = append(p.App, AppOp{Op: OpDel, AppRow: AppRow{AppKey: k}}) }
