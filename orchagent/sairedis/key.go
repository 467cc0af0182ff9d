package sairedis

import (
	"net"
	"net/netip"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// TypeName is the SAI name of an object type: SAI_OBJECT_TYPE_VLAN.
func TypeName(t halv1.ObjectType) string { return sai.TypeName(t) }

// IsEntry reports whether objects of type t are named by an entry key
// rather than an object id.
func IsEntry(t halv1.ObjectType) bool { return sai.IsEntry(t) }

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

// FormatID is the id part of a key: "oid:0x…" or the JSON entry key
// (hal/sai's codec, shared with syncd).
func FormatID(k *halv1.ObjectKey) (string, error) { return sai.FormatObjectID(k) }

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
	return append(refs, sai.KeyRefOIDs(k)...)
}
