package orchagent

import (
	"testing"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

func TestBootCreatesSwitchTrapAndDefaultRoutes(t *testing.T) {
	h := newHarness(t)
	if len(h.asic.views) != 1 || h.asic.views[0] != "INIT_VIEW" {
		t.Fatalf("views %v", h.asic.views)
	}
	if h.asic.ops[0] != "create SAI_OBJECT_TYPE_SWITCH:oid:0x21000000000000" {
		t.Fatalf("first op %s", h.asic.ops[0])
	}
	sw := h.a.sw
	if sw.CPUPort != h.asic.oid(attrSwitchCPUPort) || sw.VirtualRouter != h.asic.oid(attrSwitchDefaultVR) || len(sw.Ports) != 8 {
		t.Fatalf("switch info %+v", sw)
	}
	if sw.Ports[1].Lanes[0] != 4 || sw.MAC.String() != testMAC.String() {
		t.Fatalf("ports/MAC %+v %v", sw.Ports[1], sw.MAC)
	}
	_, trap := h.find(tHostifTrap, attrTrapType, trapTypeLLDP)
	if trap[attrTrapAction] != actionTrap || trap[attrTrapGroup] != h.asic.sw[attrSwitchDefTrapGroup] {
		t.Fatalf("LLDP trap %v", trap)
	}
	routes := h.asic.of(tRoute)
	if len(routes) != 2 {
		t.Fatalf("default routes: %v", routes)
	}
	for k, attrs := range routes {
		if attrs[attrRouteAction] != actionDrop || !(contains(k, `"dest":"0.0.0.0/0"`) || contains(k, `"dest":"::/0"`)) {
			t.Fatalf("default route %s %v", k, attrs)
		}
	}
}

func TestPlatformMACKeptWithoutConfig(t *testing.T) {
	f := newFakeASIC(2)
	sw, err := initSwitch(t.Context(), f, nil, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if sw.MAC.String() != "02:00:00:00:00:01" {
		t.Fatalf("MAC %v", sw.MAC)
	}
	if got := f.ops[0]; got != "create "+sairedis.TypeName(tSwitch)+":"+sairedis.FormatOID(sw.ID) {
		t.Fatal(got)
	}
}
