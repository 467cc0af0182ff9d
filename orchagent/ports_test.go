package orchagent

import (
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	"github.com/vltgw/vltgw/swss"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func testLogger(t *testing.T) zerolog.Logger {
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
}

func portKey(h *harness, i int) string {
	return sairedis.TypeName(tPort) + ":" + sairedis.FormatOID(h.asic.portID(i))
}

func TestPortMappedByLanesAdminAndMTU(t *testing.T) {
	h := newHarness(t)
	h.set(AppPortTable, "Ethernet4", "lanes", "4,5,6,7", "admin_status", "up", "mtu", "9100")
	p := h.asic.objs[portKey(h, 1)]
	if p[attrPortAdminState] != "true" || p[attrPortMTU] != "9100" {
		t.Fatalf("port attrs %v", p)
	}
	if h.state.state["PORT_TABLE|Ethernet4"]["admin_status"] != "up" || h.state.state["PORT_TABLE|Ethernet4"]["oper_status"] != "down" {
		t.Fatalf("STATE_DB %v", h.state.state["PORT_TABLE|Ethernet4"])
	}
	h.set(AppPortTable, "Ethernet4", "lanes", "4,5,6,7", "admin_status", "down", "mtu", "1500")
	if p := h.asic.objs[portKey(h, 1)]; p[attrPortAdminState] != "false" || p[attrPortMTU] != "1500" {
		t.Fatalf("port attrs after change %v", p)
	}
	h.wantNoError("PORT_TABLE:Ethernet4")
}

func TestPortBadInput(t *testing.T) {
	h := newHarness(t)
	h.set(AppPortTable, "Ethernet400", "lanes", "400,401")
	h.wantError("PORT_TABLE:Ethernet400", StatusInvalid, "unknown port: no platform port has lanes 400,401")
	h.set(AppPortTable, "Ethernet0", "lanes", "0,1,2,3", "admin_status", "sideways")
	h.wantError("PORT_TABLE:Ethernet0", StatusInvalid, `admin_status "sideways"`)
	h.set(AppPortTable, "Ethernet8", "admin_status", "up")
	h.wantError("PORT_TABLE:Ethernet8", StatusInvalid, "lanes is missing")
	h.set(AppPortTable, "Ethernet12", "lanes", "12,13,14,15", "mtu", "99999")
	h.wantError("PORT_TABLE:Ethernet12", StatusInvalid, "mtu")
	// A good row next to them is unaffected.
	h.set(AppPortTable, "Ethernet4", "lanes", "4,5,6,7", "admin_status", "up")
	h.wantNoError("PORT_TABLE:Ethernet4")
	// Two names for one platform port: the second waits.
	h.set(AppPortTable, "Ethernet99", "lanes", "7,6,5,4")
	h.wantError("PORT_TABLE:Ethernet99", StatusConflict, "already Ethernet4")
	h.del(AppPortTable, "Ethernet4")
	h.wantNoError("PORT_TABLE:Ethernet99")
	// Fixing the bad row clears its error.
	h.set(AppPortTable, "Ethernet0", "lanes", "0,1,2,3", "admin_status", "up")
	h.wantNoError("PORT_TABLE:Ethernet0")
}

func portStateNotification(id uint64, up bool) swss.Notification {
	st := "SAI_PORT_OPER_STATUS_DOWN"
	if up {
		st = "SAI_PORT_OPER_STATUS_UP"
	}
	return swss.Notification{Op: "port_state_change", Data: `[{"port_id":"` + sairedis.FormatOID(id) + `","port_state":"` + st + `"}]`}
}

func TestOperStatusAndLag(t *testing.T) {
	h := newHarness(t)
	h.ports(3)
	// Member before its LAG: pending with a reason.
	h.set(AppLagMemberTable, "PortChannel1:Ethernet4", "status", "enabled")
	h.wantError("LAG_MEMBER_TABLE:PortChannel1:Ethernet4", StatusPending, "LAG PortChannel1 does not exist")
	h.set(AppLagTable, "PortChannel1", "admin_status", "up", "mtu", "9100")
	h.wantNoError("LAG_MEMBER_TABLE:PortChannel1:Ethernet4")
	h.set(AppLagMemberTable, "PortChannel1:Ethernet8", "status", "enabled")
	h.wantCount(tLag, 1)
	h.wantCount(tLagMember, 2)
	if h.state.state["LAG_TABLE|PortChannel1"]["oper_status"] != "down" {
		t.Fatalf("LAG oper %v", h.state.state["LAG_TABLE|PortChannel1"])
	}
	var events []OperStatusEvent
	h.a.env.Events.OnOperStatus(func(e OperStatusEvent) { events = append(events, e) })
	h.a.core.notify(portStateNotification(h.asic.portID(1), true))
	h.settle()
	if h.state.app["PORT_TABLE:Ethernet4"]["oper_status"] != "up" || h.state.state["PORT_TABLE|Ethernet4"]["oper_status"] != "up" {
		t.Fatalf("oper status not written: app %v state %v", h.state.app["PORT_TABLE:Ethernet4"], h.state.state["PORT_TABLE|Ethernet4"])
	}
	if h.state.state["LAG_TABLE|PortChannel1"]["oper_status"] != "up" {
		t.Fatal("LAG not up with a member up")
	}
	if len(events) != 2 || events[0].Name != "Ethernet4" || !events[1].Lag {
		t.Fatalf("events %+v", events)
	}
	h.a.core.notify(portStateNotification(h.asic.portID(1), false))
	h.a.core.notify(swss.Notification{Op: "port_state_change", Data: "not json"}) // skipped, no panic
	if h.state.state["LAG_TABLE|PortChannel1"]["oper_status"] != "down" {
		t.Fatal("LAG still up")
	}
	// A LAG member cannot be a VLAN member; a port in one LAG not in another.
	h.set(AppLagTable, "PortChannel2")
	h.set(AppLagMemberTable, "PortChannel2:Ethernet4")
	h.wantError("LAG_MEMBER_TABLE:PortChannel2:Ethernet4", StatusConflict, "already a member of PortChannel1")
	// Deleting the LAG waits for its members.
	h.del(AppLagTable, "PortChannel1")
	h.wantError("LAG_TABLE:PortChannel1", StatusPending, "still has members Ethernet4, Ethernet8")
	h.del(AppLagMemberTable, "PortChannel1:Ethernet4")
	h.del(AppLagMemberTable, "PortChannel1:Ethernet8")
	h.wantNoError("LAG_TABLE:PortChannel1")
	h.wantNoError("LAG_MEMBER_TABLE:PortChannel2:Ethernet4") // took Ethernet4 once it was free
	h.wantCount(tLag, 1)
	h.wantCount(tLagMember, 1)
}
