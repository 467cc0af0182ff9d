package pgworch

import (
	"context"
	"testing"
	"time"

	"github.com/vltgw/vltgw/orchagent"
)

// unitPorts is a PortView holding LAGs and their oper status.
type unitPorts map[string]bool

func (u unitPorts) Port(name string) (orchagent.PortInfo, bool) {
	up, ok := u[name]
	return orchagent.PortInfo{Name: name, Lag: true, OperUp: up}, ok
}

func (u unitPorts) PortByID(uint64) (orchagent.PortInfo, bool) { return orchagent.PortInfo{}, false }

// setLag changes a LAG's oper status and announces it, as PortsOrch does.
func (u *unit) setLag(ports unitPorts, name string, up bool) {
	ports[name] = up
	u.orch.onOperStatus(orchagent.OperStatusEvent{Name: name, Lag: true, Up: up})
	u.settle()
}

func (u *unit) pgRow(id string) map[string]string { return u.state.rows["VLT_PROXY_GW_TABLE|"+id] }

// wantPeer checks the peer fields of VLT_PROXY_GW_TABLE|1.
func (u *unit) wantPeer(status, source, expiresIn string) {
	u.t.Helper()
	r := u.pgRow("1")
	if r["peer_status"] != status || r["peer_status_source"] != source || r["peer_routing_expires_in"] != expiresIn {
		u.t.Fatalf("VLT_PROXY_GW_TABLE|1 %v; want peer_status %q, peer_status_source %q, peer_routing_expires_in %q",
			r, status, source, expiresIn)
	}
	if (expiresIn == "") != (r["peer_routing_expires_at"] == "") {
		u.t.Fatalf("VLT_PROXY_GW_TABLE|1 %v: peer_routing_expires_at and _in disagree", r)
	}
}

func (u *unit) wantHeld(what, want string) {
	u.t.Helper()
	if got := u.held(); got != want {
		u.t.Fatalf("%s: platform holds %q, want %q", what, got, want)
	}
}

// TestUnitPeerLinkDrivesPeerRouting: without a VLT_PEER_TABLE row the VLT
// peer is up while the domain's peer link is oper-up. When it goes down the
// peer MAC stays routed for peer_routing_timeout (fake clock), then goes;
// the link coming back restores it; a flap restarts the timeout. STATE_DB
// says which status was used and where it came from.
func TestUnitPeerLinkDrivesPeerRouting(t *testing.T) {
	u := newUnit(t, 10, 20)
	ports := unitPorts{"PortChannel1": true}
	u.orch.env.Ports = ports
	u.sync(AppDomain, "1", "peer_link", "PortChannel1", "peer_routing", "true", "peer_routing_timeout", "30", "peer_mac", macD)
	u.sync(AppProxyGW, "1", "mode", "static")
	u.settle()
	both := macD + "/10 " + macD + "/20"
	link := "peer-link PortChannel1 oper status"
	u.wantHeld("peer link up", both)
	u.wantPeer("up", link, "")

	u.setLag(ports, "PortChannel1", false)
	u.wantHeld("peer link just down", both)
	u.wantPeer("down", link, "30")
	if r := u.state.rows["VLT_PROXY_GW_REMOTE_MAC_TABLE|1|"+macD]; r["expires_in"] != "30" || r["source"] != "peer-routing" {
		t.Fatalf("peer MAC row %v", r)
	}
	u.advance(29 * time.Second)
	u.wantHeld("29 s after the peer link went down", both)
	u.advance(time.Second)
	u.wantHeld("peer_routing_timeout after the peer link went down", "")
	u.wantPeer("down", link, "")

	u.setLag(ports, "PortChannel1", true)
	u.wantHeld("peer link back", both)
	u.wantPeer("up", link, "")

	// A flap restarts the timeout from the last down.
	u.setLag(ports, "PortChannel1", false)
	u.advance(20 * time.Second)
	u.setLag(ports, "PortChannel1", true)
	u.setLag(ports, "PortChannel1", false)
	second := u.clock.Now()
	u.advance(20 * time.Second)
	u.wantHeld("20 s after the second down", both)
	// expires_in is the time left when the row was written (it is not
	// rewritten every second); expires_at is the deadline.
	u.wantPeer("down", link, "30")
	if at := u.pgRow("1")["peer_routing_expires_at"]; at != second.Add(30*time.Second).UTC().Format(time.RFC3339) {
		t.Fatalf("peer_routing_expires_at %q, want the second down + 30 s", at)
	}
	u.advance(10 * time.Second)
	u.wantHeld("timeout after the second down", "")

	// The peer link deleted and re-created down: still down, no event needed.
	delete(ports, "PortChannel1")
	u.sync(AppRemoteMAC, "1:"+macC) // any change plans again
	u.settle()
	u.wantPeer("down", link, "")
	u.wantHeld("no peer link LAG", macC+"/10 "+macC+"/20")
}

// TestUnitPeerTableOverridesPeerLink: a VLT_PEER_TABLE oper_status wins over
// the peer link's; its deletion hands back to the peer link, keeping the
// time the peer went down; a row with a peer_mac only leaves the status to
// the peer link; without either the peer is unknown and routed.
func TestUnitPeerTableOverridesPeerLink(t *testing.T) {
	u := newUnit(t, 10)
	ports := unitPorts{"PortChannel1": true}
	u.orch.env.Ports = ports
	u.sync(AppDomain, "1", "peer_link", "PortChannel1", "peer_routing", "true", "peer_routing_timeout", "30", "peer_mac", macD)
	u.sync(AppProxyGW, "1", "mode", "static")
	u.settle()
	peerTable := orchagent.StateTable(StatePeerTable)
	link := "peer-link PortChannel1 oper status"

	// The VLT daemon says up while the peer link is down: routed, no timer.
	u.sync(peerTable, "1", "oper_status", "up")
	u.setLag(ports, "PortChannel1", false)
	u.wantPeer("up", "VLT_PEER_TABLE", "")
	u.advance(time.Minute)
	u.wantHeld("VLT_PEER_TABLE up, peer link down", macD+"/10")

	// The VLT daemon says down while the peer link is up: the timeout runs.
	u.setLag(ports, "PortChannel1", true)
	u.sync(peerTable, "1", "oper_status", "down")
	u.settle()
	u.wantPeer("down", "VLT_PEER_TABLE", "30")
	u.advance(10 * time.Second)
	// Its peer_mac only: the status is the peer link's again (up).
	u.sync(peerTable, "1", "peer_mac", macD1)
	u.settle()
	u.wantPeer("up", link, "")
	u.wantHeld("VLT_PEER_TABLE peer_mac only, peer link up", macD1+"/10")
	u.advance(time.Minute)
	u.wantHeld("a minute later", macD1+"/10")

	// Down by VLT_PEER_TABLE, then the row goes with the peer link down
	// too: the timeout keeps counting from the first down.
	u.sync(peerTable, "1", "peer_mac", macD1, "oper_status", "down")
	u.settle()
	u.advance(10 * time.Second)
	u.setLag(ports, "PortChannel1", false)
	u.del(peerTable, "1")
	u.settle()
	u.wantPeer("down", link, "20")
	u.wantHeld("VLT_PEER_TABLE gone, peer link down", macD+"/10")
	u.advance(20 * time.Second)
	u.wantHeld("timeout since the VLT daemon's down", "")

	// No peer link and no VLT_PEER_TABLE status: unknown, routed forever.
	u.sync(AppDomain, "1", "peer_routing", "true", "peer_routing_timeout", "30", "peer_mac", macD)
	u.settle()
	u.wantPeer("unknown", "none", "")
	u.advance(time.Hour)
	u.wantHeld("status unknown", macD+"/10")

	// A peer_link that is not a port-channel is refused.
	if r := u.sync(AppDomain, "1", "peer_link", "Ethernet4", "peer_routing", "true"); r == orchagent.Applied() {
		t.Fatal("peer_link Ethernet4 accepted")
	}
}

// stackLag: ports up, Vlan10 and Vlan20 with interfaces (Ethernet0,
// Ethernet4), and PortChannel1 (the VLTi) with member Ethernet12.
func (s *stack) stackLag() {
	s.t.Helper()
	s.produce("PORT_TABLE", set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"),
		set("Ethernet4", "lanes", "4,5,6,7", "admin_status", "up"),
		set("Ethernet8", "lanes", "8,9,10,11", "admin_status", "up"),
		set("Ethernet12", "lanes", "12,13,14,15", "admin_status", "up"))
	s.produce("VLAN_TABLE", set("Vlan10"), set("Vlan20"))
	s.produce("VLAN_MEMBER_TABLE", set("Vlan10:Ethernet0", "tagging_mode", "untagged"),
		set("Vlan20:Ethernet4", "tagging_mode", "untagged"))
	s.addL3(10)
	s.addL3(20)
	s.produce("LAG_TABLE", set("PortChannel1", "admin_status", "up", "mtu", "9100"))
	s.produce("LAG_MEMBER_TABLE", set("PortChannel1:Ethernet12", "status", "enabled"))
}

// TestPeerLinkOperDrivesPeerRouting runs the real agent, syncd and
// platform: the VLTi PortChannel1's only member loses its link on the
// platform; without a VLT_PEER_TABLE row the peer MAC's entries stay for
// peer_routing_timeout (fake clock) and then go; the link back restores
// them; a VLT_PEER_TABLE row overrides the peer link.
func TestPeerLinkOperDrivesPeerRouting(t *testing.T) {
	s := newStack(t, 512)
	s.stackLag()
	s.start(Options{})
	ctx := context.Background()
	s.produce(AppDomain, set("2", "peer_link", "PortChannel1", "peer_routing", "true", "peer_routing_timeout", "10", "peer_mac", macD1))
	s.produce(AppProxyGW, set("2", "mode", "static"))
	want := entries(macD1, []int{10, 20})
	link := "peer-link PortChannel1 oper status"
	peer := func(status, source, expires string) func() bool {
		return func() bool {
			r := s.stateRow("VLT_PROXY_GW_TABLE|2")
			return r["peer_status"] == status && r["peer_status_source"] == source && r["peer_routing_expires_in"] == expires
		}
	}
	marks := 0
	// round makes the loop run a round (after a clock advance) and waits
	// for it.
	round := func() {
		marks++
		key := "9:marker" + string(rune('a'+marks))
		s.produce(AppRemoteMAC, set(key))
		s.until("the marker row processed", func() bool {
			return s.stateRow("ORCH_ERROR_TABLE|VLT_PROXY_GW_REMOTE_MAC_TABLE:" + key)["status"] == "invalid"
		})
	}
	s.until("peer link up, peer MAC routed", func() bool {
		return same(s.asicEntries(), want) && same(s.platformEntries(), want) && peer("up", link, "")() &&
			s.stateRow("LAG_TABLE|PortChannel1")["oper_status"] == "up"
	})

	if err := s.sw.SetLink("Ethernet12", false); err != nil {
		t.Fatal(err)
	}
	s.until("peer link down reported", peer("down", link, "10"))
	down := s.clock.Now()
	s.until("the timeout armed on the loop", func() bool { return s.clock.hasTimerAt(down.Add(10 * time.Second)) })
	s.clock.Advance(9 * time.Second)
	round()
	if !same(s.asicEntries(), want) || !same(s.platformEntries(), want) {
		t.Fatalf("peer MAC withdrawn before the timeout\n%s", s.describe())
	}
	s.clock.Advance(time.Second)
	s.until("peer MAC withdrawn after the timeout", func() bool {
		return len(s.asicEntries()) == 0 && len(s.platformEntries()) == 0 && peer("down", link, "")()
	})

	if err := s.sw.SetLink("Ethernet12", true); err != nil {
		t.Fatal(err)
	}
	s.until("peer link back, peer MAC routed again", func() bool {
		return same(s.asicEntries(), want) && same(s.platformEntries(), want) && peer("up", link, "")()
	})

	// The VLT daemon's row wins: up while the peer link is down.
	s.state.Client.HSet(ctx, "VLT_PEER_TABLE|2", "oper_status", "up")
	s.until("VLT_PEER_TABLE status used", peer("up", "VLT_PEER_TABLE", ""))
	if err := s.sw.SetLink("Ethernet12", false); err != nil {
		t.Fatal(err)
	}
	s.until("peer link down seen", func() bool { return s.stateRow("LAG_TABLE|PortChannel1")["oper_status"] == "down" })
	s.clock.Advance(time.Minute)
	round()
	if !same(s.platformEntries(), want) || !peer("up", "VLT_PEER_TABLE", "")() {
		t.Fatalf("VLT_PEER_TABLE up did not win over the peer link down\n%s", s.describe())
	}
	// The row goes: the peer link (down) decides; the timeout starts.
	s.state.Client.Del(ctx, "VLT_PEER_TABLE|2")
	s.until("back to the peer link's status", peer("down", link, "10"))
	s.clock.Advance(10 * time.Second)
	s.until("peer MAC withdrawn", func() bool { return len(s.platformEntries()) == 0 })
	if err := s.sw.SetLink("Ethernet12", true); err != nil {
		t.Fatal(err)
	}
	s.until("peer MAC routed again", func() bool { return same(s.platformEntries(), want) })
}
