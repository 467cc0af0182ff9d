package cfgmgr

import "testing"

// toyTranslator maps TOY|<name> {vlan} to TOY_TABLE:<name> when the VLAN
// exists in CONFIG_DB, and rejects it otherwise.
type toyTranslator struct{ runs int }

func (*toyTranslator) Tables() []string    { return []string{"TOY"} }
func (*toyTranslator) Reads() []string     { return []string{TableVlan} }
func (*toyTranslator) AppTables() []string { return []string{"TOY_TABLE"} }

func (t *toyTranslator) Translate(s *Snapshot) ([]AppRow, map[TableKey]Rejection) {
	t.runs++
	var rows []AppRow
	rej := map[TableKey]Rejection{}
	for _, k := range s.Keys("TOY") {
		f, _ := s.Get("TOY", k)
		if !s.Has(TableVlan, f["vlan"]) {
			rej[TableKey{"TOY", k}] = Rejection{Field: "vlan", Reason: "no VLAN " + f["vlan"]}
			continue
		}
		rows = append(rows, row(appKey("TOY_TABLE", k), Fields{"vlan": f["vlan"]}))
	}
	return rows, rej
}

func TestTranslatorPlugsIn(t *testing.T) {
	toy := &toyTranslator{}
	e, err := NewEngineWith(DefaultFamilies(), []Translator{toy})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, e: e, app: appDB{}, errs: map[TableKey]Rejection{}}
	existing := map[AppKey]Fields{{"TOY_TABLE", "stale"}: {"vlan": "Vlan1"}, {"TOY_TABLE", "a"}: {"vlan": "Vlan10"}}
	h.app[AppKey{"TOY_TABLE", "stale"}] = Fields{"vlan": "Vlan1"}
	h.app[AppKey{"TOY_TABLE", "a"}] = Fields{"vlan": "Vlan10"}
	p := e.Start(append(baseConfig(), set("TOY", "a", "vlan", "Vlan10"), set("TOY", "b", "vlan", "Vlan30")), existing, nil)
	h.record(p)
	h.noRow("TOY_TABLE", "stale")
	h.row("TOY_TABLE", "a", "vlan", "Vlan10")
	h.rejected("TOY", "b", "vlan", "no VLAN Vlan30")
	for _, op := range p.App {
		if op.Key == "a" {
			t.Fatalf("unchanged row rewritten at start: %+v", op)
		}
	}
	runs := toy.runs
	h.do(set(TablePort, "Ethernet0", "lanes", "0"))
	if toy.runs != runs {
		t.Fatal("translator ran for a table it does not read")
	}
	h.do(set(TableVlan, "Vlan30", "vlanid", "30"))
	h.row("TOY_TABLE", "b", "vlan", "Vlan30")
	h.accepted("TOY", "b")
	h.do(del("TOY", "a"))
	h.noRow("TOY_TABLE", "a")
	if _, err := NewEngineWith(DefaultFamilies(), []Translator{&toyTranslator{}, &toyTranslator{}}); err == nil {
		t.Fatal("two translators writing TOY_TABLE accepted")
	}
}
