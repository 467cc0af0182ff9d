package sai

import (
	"fmt"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ValidateCreate checks a create of type t against the metadata: known
// attributes, none read-only, no duplicates, value kinds/enums/ranges, and
// every mandatory attribute (conditional ones included) present. Reference
// existence is the store's job (it knows the objects).
func ValidateCreate(t halv1.ObjectType, attrs []*halv1.Attribute) error {
	o, ok := Object(t)
	if !ok {
		return Errorf(halv1.Status_STATUS_INVALID_OBJECT_TYPE, "unknown object type %d", int32(t))
	}
	have := make(map[string]*halv1.Attribute, len(attrs))
	for _, a := range attrs {
		m, ok := o.Attr(a.GetId())
		if !ok {
			return Errorf(halv1.Status_STATUS_INVALID_ATTRIBUTE, "%s: unknown attribute %q", o.Name, a.GetId())
		}
		if m.Flags&FlagReadOnly != 0 {
			return Errorf(halv1.Status_STATUS_INVALID_ATTRIBUTE, "%s: attribute %s is read-only", o.Name, m.Name)
		}
		if _, dup := have[m.Name]; dup {
			return Errorf(halv1.Status_STATUS_INVALID_ATTRIBUTE, "%s: attribute %s given twice", o.Name, m.Name)
		}
		if err := CheckValue(m, a); err != nil {
			return err
		}
		have[m.Name] = a
	}
	for _, m := range o.Attrs {
		if _, ok := have[m.Name]; ok {
			continue
		}
		if m.Flags&FlagMandatoryOnCreate != 0 {
			return Errorf(halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING, "%s: mandatory attribute %s missing", o.Name, m.Name)
		}
		for _, c := range m.MandatoryWhen {
			if cur, ok := have[c.Attr]; ok && cur.GetEnumName() == c.Enum {
				return Errorf(halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING, "%s: attribute %s is mandatory when %s=%s", o.Name, m.Name, c.Attr, c.Enum)
			}
		}
	}
	return nil
}

// ValidateSet checks a set of one attribute: known, settable, well-formed.
func ValidateSet(t halv1.ObjectType, a *halv1.Attribute) error {
	o, ok := Object(t)
	if !ok {
		return Errorf(halv1.Status_STATUS_INVALID_OBJECT_TYPE, "unknown object type %d", int32(t))
	}
	m, ok := o.Attr(a.GetId())
	if !ok {
		return Errorf(halv1.Status_STATUS_INVALID_ATTRIBUTE, "%s: unknown attribute %q", o.Name, a.GetId())
	}
	if m.Flags&FlagReadOnly != 0 {
		return Errorf(halv1.Status_STATUS_INVALID_ATTRIBUTE, "%s: attribute %s is read-only", o.Name, m.Name)
	}
	if m.Flags&FlagCreateOnly != 0 {
		return Errorf(halv1.Status_STATUS_INVALID_ATTRIBUTE, "%s: attribute %s is create-only", o.Name, m.Name)
	}
	return CheckValue(m, a)
}

// CheckValue checks that a carries a value of m's kind, within its enum
// values and range, with well-sized MACs and IPs.
func CheckValue(m *AttrMeta, a *halv1.Attribute) error {
	bad := func(format string, args ...any) error {
		return Errorf(halv1.Status_STATUS_INVALID_ATTR_VALUE, "%s: %s", m.Name, fmt.Sprintf(format, args...))
	}
	var num uint64
	switch m.Kind {
	case KindBool:
		if _, ok := a.GetValue().(*halv1.Attribute_BoolValue); !ok {
			return bad("want a bool")
		}
		return nil
	case KindU32:
		v, ok := a.GetValue().(*halv1.Attribute_U32)
		if !ok {
			return bad("want a u32")
		}
		num = uint64(v.U32)
	case KindU64:
		v, ok := a.GetValue().(*halv1.Attribute_U64)
		if !ok {
			return bad("want a u64")
		}
		num = v.U64
	case KindS32:
		if _, ok := a.GetValue().(*halv1.Attribute_S32); !ok {
			return bad("want an s32")
		}
		return nil
	case KindMAC:
		v, ok := a.GetValue().(*halv1.Attribute_Mac)
		if !ok || len(v.Mac) != 6 {
			return bad("want a 6-octet MAC")
		}
		return nil
	case KindIP:
		v, ok := a.GetValue().(*halv1.Attribute_Ip)
		if !ok || (len(v.Ip) != 4 && len(v.Ip) != 16) {
			return bad("want a 4- or 16-octet IP address")
		}
		return nil
	case KindPrefix:
		v, ok := a.GetValue().(*halv1.Attribute_Prefix)
		if !ok {
			return bad("want a prefix")
		}
		if _, err := FormatPrefix(v.Prefix); err != nil {
			return bad("%v", err)
		}
		return nil
	case KindOID:
		v, ok := a.GetValue().(*halv1.Attribute_Oid)
		if !ok {
			return bad("want an object id")
		}
		if v.Oid == 0 && !m.AllowNull && m.Flags&FlagReadOnly == 0 {
			return bad("null object id not allowed")
		}
		return nil
	case KindOIDList:
		if _, ok := a.GetValue().(*halv1.Attribute_OidList); !ok {
			return bad("want an object id list")
		}
		return nil
	case KindU32List:
		if _, ok := a.GetValue().(*halv1.Attribute_U32List); !ok {
			return bad("want a u32 list")
		}
		return nil
	case KindString:
		if _, ok := a.GetValue().(*halv1.Attribute_Str); !ok {
			return bad("want a string")
		}
		return nil
	case KindEnum:
		v, ok := a.GetValue().(*halv1.Attribute_EnumName)
		if !ok {
			return bad("want an enum name")
		}
		if !validEnum(m, v.EnumName) {
			return bad("%q is not a valid value", v.EnumName)
		}
		return nil
	}
	if m.Max > 0 && (num < m.Min || num > m.Max) {
		return bad("%d outside %d-%d", num, m.Min, m.Max)
	}
	return nil
}
