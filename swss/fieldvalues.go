package swss

import "sort"

// Operations carried by KeyOpFieldValues for state tables.
const (
	OpSet = "SET"
	OpDel = "DEL"
)

// FieldValue is one field of a row.
type FieldValue struct {
	Field, Value string
}

// FieldValues is an ordered list of fields (order matters on the wire for
// ProducerTable's JSON arrays).
type FieldValues []FieldValue

// Map returns the fields as a map (last value wins).
func (f FieldValues) Map() map[string]string {
	m := make(map[string]string, len(f))
	for _, fv := range f {
		m[fv.Field] = fv.Value
	}
	return m
}

// Get returns the value of field and whether it is present.
func (f FieldValues) Get(field string) (string, bool) {
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].Field == field {
			return f[i].Value, true
		}
	}
	return "", false
}

// FieldValuesFromMap builds FieldValues from a map in sorted field order, so
// the result is deterministic.
func FieldValuesFromMap(m map[string]string) FieldValues {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	f := make(FieldValues, 0, len(m))
	for _, k := range keys {
		f = append(f, FieldValue{k, m[k]})
	}
	return f
}

// KeyOpFieldValues is one change of one key: swss-common's
// KeyOpFieldsValuesTuple. Op is OpSet/OpDel for state tables, or the
// sairedis operation ("create", "bulkremove", "getresponse", …) for the
// ordered queue.
type KeyOpFieldValues struct {
	Key    string
	Op     string
	Fields FieldValues
	// Malformed is set (to the reason) by ConsumerTable for an entry whose
	// payload could not be decoded. The entry is still delivered, without
	// fields, because a queue consumer that answers each request in order
	// (syncd) must answer this one too, or every later reply would be
	// matched to the wrong request.
	Malformed string
}
