package sairedis

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vltgw/vltgw/hal/sai"
)

// Attr is one SAI attribute in its ASIC_DB string form: ID is the attribute
// name (SAI_VLAN_ATTR_VLAN_ID), Value its serialization (see sonic-wire.md:
// MAC upper-case, oid "oid:0x…", bool true/false, enums by name, lists
// "<count>:<a>,<b>").
type Attr struct {
	ID    string
	Value string
}

// OID is an object-id attribute (0 serializes as the null oid).
func OID(id string, v uint64) Attr { return Attr{id, FormatOID(v)} }

// Bool is a boolean attribute.
func Bool(id string, v bool) Attr { return Attr{id, strconv.FormatBool(v)} }

// U32 is a numeric attribute.
func U32(id string, v uint32) Attr { return Attr{id, strconv.FormatUint(uint64(v), 10)} }

// Enum is an enumeration attribute, by its SAI name.
func Enum(id, name string) Attr { return Attr{id, name} }

// MAC is a MAC address attribute.
func MAC(id string, m net.HardwareAddr) Attr { return Attr{id, FormatMAC(m)} }

// IP is an IP address attribute.
func IP(id string, a netip.Addr) Attr { return Attr{id, a.Unmap().String()} }

// OIDList is an object list attribute.
func OIDList(id string, vs []uint64) Attr {
	items := make([]string, len(vs))
	for i, v := range vs {
		items[i] = FormatOID(v)
	}
	return Attr{id, joinList(items)}
}

// U32List is a number list attribute.
func U32List(id string, vs []uint32) Attr {
	items := make([]string, len(vs))
	for i, v := range vs {
		items[i] = strconv.FormatUint(uint64(v), 10)
	}
	return Attr{id, joinList(items)}
}

// FormatMAC is the ASIC_DB form of a MAC: upper-case, colon separated.
func FormatMAC(m net.HardwareAddr) string { return sai.FormatMAC(m) }

// FormatOID is "oid:0x<lower-case hex>".
func FormatOID(v uint64) string { return sai.FormatOID(v) }

// ParseOID parses "oid:0x<hex>".
func ParseOID(s string) (uint64, error) { return sai.ParseOID(s) }

func joinList(items []string) string {
	if len(items) == 0 {
		return "0:null"
	}
	return strconv.Itoa(len(items)) + ":" + strings.Join(items, ",")
}

// splitList parses "<count>:<a>,<b>" ("0:null" is empty).
func splitList(s string) ([]string, error) {
	n, rest, ok := strings.Cut(s, ":")
	if !ok {
		return nil, fmt.Errorf("list %q: want <count>:<items>", s)
	}
	count, err := strconv.Atoi(n)
	if err != nil || count < 0 {
		return nil, fmt.Errorf("list %q: bad count", s)
	}
	if count == 0 {
		return nil, nil
	}
	items := strings.Split(rest, ",")
	if len(items) != count {
		return nil, fmt.Errorf("list %q: count %d but %d items", s, count, len(items))
	}
	return items, nil
}

// ParseOIDList parses an object list value.
func ParseOIDList(s string) ([]uint64, error) {
	items, err := splitList(s)
	if err != nil {
		return nil, err
	}
	out := make([]uint64, len(items))
	for i, it := range items {
		if out[i], err = ParseOID(it); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ParseU32List parses a number list value.
func ParseU32List(s string) ([]uint32, error) {
	items, err := splitList(s)
	if err != nil {
		return nil, err
	}
	out := make([]uint32, len(items))
	for i, it := range items {
		v, err := strconv.ParseUint(it, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("list %q: %w", s, err)
		}
		out[i] = uint32(v)
	}
	return out, nil
}

// Lookup returns the value of attribute id in attrs.
func Lookup(attrs []Attr, id string) (string, bool) {
	for _, a := range attrs {
		if a.ID == id {
			return a.Value, true
		}
	}
	return "", false
}

// attrRefs appends the object ids named by oid and oid-list values.
func attrRefs(refs []uint64, attrs []Attr) []uint64 {
	for _, a := range attrs {
		switch {
		case strings.HasPrefix(a.Value, "oid:0x"):
			if v, err := ParseOID(a.Value); err == nil && v != 0 {
				refs = append(refs, v)
			}
		case strings.Contains(a.Value, ":oid:0x"):
			if vs, err := ParseOIDList(a.Value); err == nil {
				for _, v := range vs {
					if v != 0 {
						refs = append(refs, v)
					}
				}
			}
		}
	}
	return refs
}
