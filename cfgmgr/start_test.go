package cfgmgr

import "testing"

func TestRestartRewritesNothingThatIsRight(t *testing.T) {
	first := newHarness(t, baseConfig()...)
	first.do(set(TableVlan, "Vlan4095", "vlanid", "4095"))
	existing := map[AppKey]Fields{}
	for k, f := range first.app {
		existing[k] = f.Clone()
	}
	// orchagent adds oper_status to PORT_TABLE rows; that is not ours to remove.
	existing[AppKey{AppPortTable, "Ethernet0"}]["oper_status"] = "up"
	// A row whose CONFIG_DB row went away while cfgmgrd was down.
	existing[AppKey{AppVlanTable, "Vlan77"}] = Fields{"admin_status": "up", "mtu": "9100"}
	// A VLAN whose config changed while cfgmgrd was down.
	existing[AppKey{AppVlanTable, "Vlan20"}] = Fields{"admin_status": "up", "mtu": "9100"}
	errs := first.e.Rejections()
	errs[TableKey{TableVlan, "Vlan88"}] = Rejection{Field: "vlanid", Reason: "gone"}

	e, err := NewEngine(DefaultFamilies()...)
	if err != nil {
		t.Fatal(err)
	}
	evs := append(baseConfig(), set(TableVlan, "Vlan4095", "vlanid", "4095"))
	p := e.Start(evs, existing, errs)
	want := map[AppKey]Op{{AppVlanTable, "Vlan77"}: OpDel, {AppVlanTable, "Vlan20"}: OpSet}
	if len(p.App) != len(want) {
		t.Fatalf("plan %+v, want %v", p.App, want)
	}
	for _, op := range p.App {
		if want[op.AppKey] != op.Op {
			t.Fatalf("plan %+v, want %v", p.App, want)
		}
	}
	if len(p.Errors) != 1 || p.Errors[0].TableKey != (TableKey{TableVlan, "Vlan88"}) || p.Errors[0].Rejection != nil {
		t.Fatalf("errors %+v: want only the stale Vlan88 cleared", p.Errors)
	}
	// Later changes diff against what this run wrote, not orchagent's fields.
	p = e.Apply([]Event{set(TablePort, "Ethernet0", "lanes", "0,1,2,3", "speed", "100000", "admin_status", "down", "mtu", "9100", "alias", "eth0")})
	if len(p.App) != 1 || p.App[0].Op != OpSet {
		t.Fatalf("plan %+v", p.App)
	}
}

func TestRestartKeepsIncumbent(t *testing.T) {
	// Before the restart Vlan20 held 10.1.0.1; Vlan10 (lower key) also asks for it.
	existing := map[AppKey]Fields{
		{AppVlanTable, "Vlan10"}:             {"admin_status": "up", "mtu": "9100"},
		{AppVlanTable, "Vlan20"}:             {"admin_status": "up", "mtu": "9100"},
		{AppIntfTable, "Vlan10"}:             {"NULL": "NULL"},
		{AppIntfTable, "Vlan20"}:             {"NULL": "NULL"},
		{AppIntfTable, "Vlan20:10.1.0.1/24"}: {"scope": "global", "family": "IPv4"},
	}
	e, _ := NewEngine(DefaultFamilies()...)
	p := e.Start([]Event{
		set(TableVlan, "Vlan10", "vlanid", "10"), set(TableVlan, "Vlan20", "vlanid", "20"),
		set(TableVlanInterface, "Vlan10"), set(TableVlanInterface, "Vlan20"),
		set(TableVlanInterface, "Vlan10|10.1.0.1/24"), set(TableVlanInterface, "Vlan20|10.1.0.1/24"),
	}, existing, nil)
	if len(p.App) != 0 || len(p.Errors) != 1 || p.Errors[0].Key != "Vlan10|10.1.0.1/24" {
		t.Fatalf("plan %+v errors %+v", p.App, p.Errors)
	}
}
