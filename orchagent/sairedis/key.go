package sairedis

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// TypeName is the SAI name of an object type: SAI_OBJECT_TYPE_VLAN.
func TypeName(t halv1.ObjectType) string { return "SAI_" + t.String() }

// IsEntry reports whether objects of type t are named by an entry key
// rather than an object id.
func IsEntry(t halv1.ObjectType) bool {
	switch t {
	case halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY, halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY,
		halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY:
		return true
	}
	return false
}

// ObjectKey names an object-id object by its VID.
func ObjectKey(vid uint64) *halv1.ObjectKey {
	return &halv1.ObjectKey{Type: VIDType(vid), Key: &halv1.ObjectKey_Oid{Oid: vid}}
}

// RouteKey names a route entry.
func RouteKey(switchID, vr uint64, p netip.Prefix) *halv1.ObjectKey {
	a := p.Addr().Unmap()
	return &halv1.ObjectKey{Type: halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY, Key: &halv1.ObjectKey_RouteEntry{
		RouteEntry: &halv1.RouteEntry{SwitchId: switchID, VrId: vr,
			Destination: &halv1.IpPrefix{Addr: a.AsSlice(), PrefixLen: uint32(p.Bits())}}}}
}

// NeighborKey names a neighbour entry.
func NeighborKey(switchID, rif uint64, ip netip.Addr) *halv1.ObjectKey {
	return &halv1.ObjectKey{Type: halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY, Key: &halv1.ObjectKey_NeighborEntry{
		NeighborEntry: &halv1.NeighborEntry{SwitchId: switchID, RifId: rif, IpAddress: ip.Unmap().AsSlice()}}}
}

// FdbKey names an FDB entry.
func FdbKey(switchID, bvid uint64, mac net.HardwareAddr) *halv1.ObjectKey {
	return &halv1.ObjectKey{Type: halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY, Key: &halv1.ObjectKey_FdbEntry{
		FdbEntry: &halv1.FdbEntry{SwitchId: switchID, BvId: bvid, Mac: mac}}}
}

// The JSON entry keys, members in sorted order (encoding/json keeps struct
// order, so the fields are declared sorted).
type fdbKeyJSON struct {
	Bvid     string `json:"bvid"`
	Mac      string `json:"mac"`
	SwitchID string `json:"switch_id"`
}

type routeKeyJSON struct {
	Dest     string `json:"dest"`
	SwitchID string `json:"switch_id"`
	Vr       string `json:"vr"`
}

type neighKeyJSON struct {
	IP       string `json:"ip"`
	Rif      string `json:"rif"`
	SwitchID string `json:"switch_id"`
}

// FormatID is the id part of a key: "oid:0x…" or the JSON entry key.
func FormatID(k *halv1.ObjectKey) (string, error) {
	var v any
	switch x := k.GetKey().(type) {
	case *halv1.ObjectKey_Oid:
		return FormatOID(x.Oid), nil
	case *halv1.ObjectKey_RouteEntry:
		r := x.RouteEntry
		a, ok := netip.AddrFromSlice(r.GetDestination().GetAddr())
		if !ok {
			return "", fmt.Errorf("route entry: address of %d octets", len(r.GetDestination().GetAddr()))
		}
		p, err := a.Prefix(int(r.GetDestination().GetPrefixLen()))
		if err != nil {
			return "", fmt.Errorf("route entry: %w", err)
		}
		v = routeKeyJSON{Dest: p.String(), SwitchID: FormatOID(r.GetSwitchId()), Vr: FormatOID(r.GetVrId())}
	case *halv1.ObjectKey_NeighborEntry:
		n := x.NeighborEntry
		a, ok := netip.AddrFromSlice(n.GetIpAddress())
		if !ok {
			return "", fmt.Errorf("neighbor entry: address of %d octets", len(n.GetIpAddress()))
		}
		v = neighKeyJSON{IP: a.String(), Rif: FormatOID(n.GetRifId()), SwitchID: FormatOID(n.GetSwitchId())}
	case *halv1.ObjectKey_FdbEntry:
		f := x.FdbEntry
		if len(f.GetMac()) != 6 {
			return "", fmt.Errorf("fdb entry: MAC of %d octets", len(f.GetMac()))
		}
		v = fdbKeyJSON{Bvid: FormatOID(f.GetBvId()), Mac: FormatMAC(f.GetMac()), SwitchID: FormatOID(f.GetSwitchId())}
	default:
		return "", fmt.Errorf("object key %v: no id", k)
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// FormatKey is the queue key of a single-object request:
// "SAI_OBJECT_TYPE_X:<id>".
func FormatKey(k *halv1.ObjectKey) (string, error) {
	id, err := FormatID(k)
	if err != nil {
		return "", err
	}
	return TypeName(k.GetType()) + ":" + id, nil
}

// ASICKey is the ASIC_DB hash of an object: "ASIC_STATE:SAI_OBJECT_TYPE_X:<id>".
func ASICKey(k *halv1.ObjectKey) (string, error) {
	s, err := FormatKey(k)
	if err != nil {
		return "", err
	}
	return "ASIC_STATE:" + s, nil
}

// keyRefs appends the object ids an entry key names (not the switch).
func keyRefs(refs []uint64, k *halv1.ObjectKey) []uint64 {
	switch x := k.GetKey().(type) {
	case *halv1.ObjectKey_RouteEntry:
		refs = append(refs, x.RouteEntry.GetVrId())
	case *halv1.ObjectKey_NeighborEntry:
		refs = append(refs, x.NeighborEntry.GetRifId())
	case *halv1.ObjectKey_FdbEntry:
		refs = append(refs, x.FdbEntry.GetBvId())
	}
	return refs
}

// typeOfName parses SAI_OBJECT_TYPE_X.
func typeOfName(name string) (halv1.ObjectType, bool) {
	v, ok := halv1.ObjectType_value[strings.TrimPrefix(name, "SAI_")]
	return halv1.ObjectType(v), ok && v != 0
}
