package sairedis

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
)

// seqCounter is an in-memory VIDCOUNTER.
type seqCounter struct{ v int64 }

func (s *seqCounter) IncrBy(_ context.Context, n int64) (int64, error) { s.v += n; return s.v, nil }

func testClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{Requests: nopQueue{}, Responses: nopQueue{}, Counter: &seqCounter{}, VIDChunk: 4})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type nopQueue struct{}

func (nopQueue) Send(context.Context, []swss.QueueEntry) error { return nil }
func (nopQueue) Pops(ctx context.Context) ([]swss.KeyOpFieldValues, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

const (
	tVLAN   = halv1.ObjectType_OBJECT_TYPE_VLAN
	tMember = halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER
	tBP     = halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT
)

func summary(entries []swss.QueueEntry) string {
	var parts []string
	for _, e := range entries {
		typ, _, _ := strings.Cut(e.Key, ":")
		parts = append(parts, e.Op+" "+typ)
	}
	return strings.Join(parts, "; ")
}

func TestVIDsFromChunkedCounter(t *testing.T) {
	c := testClient(t)
	b := c.Batch()
	ctx := context.Background()
	for i := 1; i <= 6; i++ {
		vid, err := b.Create(ctx, tVLAN, U32("SAI_VLAN_ATTR_VLAN_ID", uint32(i)))
		if err != nil {
			t.Fatal(err)
		}
		if want := uint64(0x26)<<48 | uint64(i); vid != want {
			t.Fatalf("vid %d = %#x, want %#x", i, vid, want)
		}
		if VIDType(vid) != tVLAN {
			t.Fatalf("type of %#x", vid)
		}
	}
	if got := c.vids.counter.(*seqCounter).v; got != 8 { // two chunks of 4
		t.Fatalf("counter = %d, want 8", got)
	}
	if SwitchVID(0) != 0x21000000000000 {
		t.Fatalf("switch vid %#x", SwitchVID(0))
	}
}

func TestInterleavedCreatesBecomeTwoBulks(t *testing.T) {
	c := testClient(t)
	b := c.Batch()
	ctx := context.Background()
	var members []uint64
	for i := 0; i < 3; i++ {
		vlan, _ := b.Create(ctx, tVLAN, U32("SAI_VLAN_ATTR_VLAN_ID", uint32(10+i)))
		bp, _ := b.Create(ctx, tBP, Enum("SAI_BRIDGE_PORT_ATTR_TYPE", "SAI_BRIDGE_PORT_TYPE_PORT"))
		m, _ := b.Create(ctx, tMember, OID("SAI_VLAN_MEMBER_ATTR_VLAN_ID", vlan), OID("SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", bp))
		members = append(members, m)
	}
	got := summary(b.encode())
	want := "bulkcreate SAI_OBJECT_TYPE_VLAN; bulkcreate SAI_OBJECT_TYPE_BRIDGE_PORT; bulkcreate SAI_OBJECT_TYPE_VLAN_MEMBER"
	if got != want {
		t.Fatalf("groups = %s\nwant %s", got, want)
	}
	e := b.encode()[2]
	if e.Key != "SAI_OBJECT_TYPE_VLAN_MEMBER:3" || len(e.Fields) != 3 || e.Fields[2].Field != FormatOID(members[2]) {
		t.Fatalf("member bulk %+v", e)
	}
	if !strings.HasPrefix(e.Fields[0].Value, "SAI_VLAN_MEMBER_ATTR_VLAN_ID=oid:0x26") || !strings.Contains(e.Fields[0].Value, "|SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID=oid:0x3a") {
		t.Fatalf("bulk value %q", e.Fields[0].Value)
	}
}

func TestCreateKeepsOrderAgainstRemovesAndTouchedRefs(t *testing.T) {
	c := testClient(t)
	b := c.Batch()
	ctx := context.Background()
	v1, _ := b.Create(ctx, tVLAN)
	b.Remove(ObjectKey(v1))
	b.Create(ctx, tVLAN) // after a remove of its type: no merge
	bp, _ := b.Create(ctx, tBP)
	b.Set(ObjectKey(bp), Bool("SAI_BRIDGE_PORT_ATTR_ADMIN_STATE", true))
	b.Create(ctx, tMember, OID("SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", bp))
	b.Create(ctx, tBP) // joins the BRIDGE_PORT create: nothing in between names it
	got := summary(b.encode())
	want := "create SAI_OBJECT_TYPE_VLAN; remove SAI_OBJECT_TYPE_VLAN; create SAI_OBJECT_TYPE_VLAN; bulkcreate SAI_OBJECT_TYPE_BRIDGE_PORT; set SAI_OBJECT_TYPE_BRIDGE_PORT; create SAI_OBJECT_TYPE_VLAN_MEMBER"
	if got != want {
		t.Fatalf("groups = %s\nwant %s", got, want)
	}
	if e := b.encode()[1]; !e.Delete || len(e.Fields) != 0 {
		t.Fatalf("single remove must be a delete-type entry: %+v", e)
	}
	if e := b.encode()[0]; len(e.Fields) != 1 || e.Fields[0] != (swss.FieldValue{Field: "NULL", Value: "NULL"}) {
		t.Fatalf("create without attributes: %+v", e.Fields)
	}
}

func TestRouteCreateAfterItsRIFIsNotHoisted(t *testing.T) {
	c := testClient(t)
	b := c.Batch()
	ctx := context.Background()
	sw, vr := SwitchVID(0), MakeVID(0, halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER, 1)
	b.CreateKey(RouteKey(sw, vr, netip.MustParsePrefix("10.0.0.0/24")))
	rif, _ := b.Create(ctx, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
	b.CreateKey(RouteKey(sw, vr, netip.MustParsePrefix("10.0.1.0/24")), OID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", rif))
	got := summary(b.encode())
	want := "create SAI_OBJECT_TYPE_ROUTE_ENTRY; create SAI_OBJECT_TYPE_ROUTER_INTERFACE; create SAI_OBJECT_TYPE_ROUTE_ENTRY"
	if got != want {
		t.Fatalf("groups = %s\nwant %s", got, want)
	}
}

func TestEntryKeys(t *testing.T) {
	sw := SwitchVID(0)
	vr := MakeVID(0, halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER, 2)
	rif := MakeVID(0, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE, 7)
	for _, tc := range []struct {
		k    *halv1.ObjectKey
		want string
	}{
		{RouteKey(sw, vr, netip.MustParsePrefix("10.0.0.0/24")), `SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"10.0.0.0/24","switch_id":"oid:0x21000000000000","vr":"oid:0x3000000000002"}`},
		{RouteKey(sw, vr, netip.MustParsePrefix("fc00::/64")), `SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"fc00::/64","switch_id":"oid:0x21000000000000","vr":"oid:0x3000000000002"}`},
		{NeighborKey(sw, rif, netip.MustParseAddr("10.0.0.2")), `SAI_OBJECT_TYPE_NEIGHBOR_ENTRY:{"ip":"10.0.0.2","rif":"oid:0x6000000000007","switch_id":"oid:0x21000000000000"}`},
		{ObjectKey(rif), `SAI_OBJECT_TYPE_ROUTER_INTERFACE:oid:0x6000000000007`},
	} {
		got, err := FormatKey(tc.k)
		if err != nil || got != tc.want {
			t.Errorf("FormatKey = %s, %v\nwant %s", got, err, tc.want)
		}
	}
}

func TestListValues(t *testing.T) {
	if a := OIDList("X", nil); a.Value != "0:null" {
		t.Fatal(a)
	}
	vs, err := ParseOIDList("2:oid:0x1000000000001,oid:0x1000000000002")
	if err != nil || len(vs) != 2 || vs[1] != 0x1000000000002 {
		t.Fatal(vs, err)
	}
	ls, err := ParseU32List("4:0,1,2,3")
	if err != nil || len(ls) != 4 || ls[3] != 3 {
		t.Fatal(ls, err)
	}
	if _, err := ParseU32List("3:0,1"); err == nil {
		t.Fatal("count mismatch accepted")
	}
}
