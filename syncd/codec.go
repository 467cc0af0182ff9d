package syncd

// codec.go: syncd's names for the hal/sai codec and metadata, kept short
// because they are used throughout the batch and view code.

import (
	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

var (
	statusOf       = sai.StatusOf
	statusName     = sai.StatusName
	typeName       = sai.TypeName
	isEntryType    = sai.IsEntry
	formatOID      = sai.FormatOID
	parseOID       = sai.ParseOID
	parseObjectID  = sai.ParseObjectID
	formatObjectID = sai.FormatObjectID
	keyRefs        = sai.KeyRefOIDs
	mapKey         = sai.MapKeyOIDs
	appendAttrRefs = sai.AppendRefOIDs
	mapAttr        = sai.MapOIDs
	parseAttr      = sai.ParseAttr
	validateCreate = sai.ValidateCreate
	validateSet    = sai.ValidateSet
)

func objectTypeOf(name string) (halv1.ObjectType, bool) {
	o, ok := sai.ObjectByName(name)
	if !ok {
		return 0, false
	}
	return o.Type, true
}

// typeRanks maps each object type to its position in dependency order.
func typeRanks() map[halv1.ObjectType]int {
	r := map[halv1.ObjectType]int{}
	for i, o := range sai.Objects() {
		r[o.Type] = i
	}
	return r
}

// makeVID builds a VID of switch index 0.
func makeVID(t halv1.ObjectType, n uint64) uint64 { return sai.VID(0, t, n) }

func vidType(vid uint64) halv1.ObjectType { return sai.VIDType(vid) }

func knownAttr(t halv1.ObjectType, name string) bool { _, ok := sai.Attr(t, name); return ok }

func createOnly(t halv1.ObjectType, name string) bool {
	m, ok := sai.Attr(t, name)
	return ok && m.Flags&sai.FlagCreateOnly != 0
}

func readOnly(t halv1.ObjectType, name string) bool {
	m, ok := sai.Attr(t, name)
	return ok && m.Flags&sai.FlagReadOnly != 0
}

func formatAttr(_ halv1.ObjectType, a *halv1.Attribute) (string, string, error) {
	return sai.FormatAttr(a)
}
