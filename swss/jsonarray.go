package swss

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// EncodeFieldArray renders fields as swss-common's JSON array
// ["f1","v1","f2","v2",…], byte for byte as swss-common (nlohmann::json's
// dump()) writes it: no spaces; only '"', '\\' and control characters are
// escaped (\b \f \n \r \t, others as \u00xx); everything else, '<', '>',
// '&', '/' and non-ASCII included, is written as is. encoding/json would
// escape HTML characters and U+2028/U+2029, which a byte-level comparison
// with a C++ producer's queue entry would flag.
func EncodeFieldArray(fields FieldValues) (string, error) {
	var b strings.Builder
	n := 2
	for _, fv := range fields {
		n += len(fv.Field) + len(fv.Value) + 6
	}
	b.Grow(n)
	b.WriteByte('[')
	for i, fv := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, fv.Field)
		b.WriteByte(',')
		writeJSONString(&b, fv.Value)
	}
	b.WriteByte(']')
	return b.String(), nil
}

// encodeStringArray renders a flat JSON array of strings the same way.
func encodeStringArray(items []string) string {
	var b strings.Builder
	n := 2
	for _, it := range items {
		n += len(it) + 3
	}
	b.Grow(n)
	b.WriteByte('[')
	for i, s := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, s)
	}
	b.WriteByte(']')
	return b.String()
}

func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// DecodeFieldArray parses a JSON field array; "{}" (swss-common's payload
// of a delete) and "[]" are empty. An array that is not all strings, or
// has an odd number of elements, is an error naming the payload.
func DecodeFieldArray(s string) (FieldValues, error) {
	if s == "{}" {
		return nil, nil
	}
	flat, ok := splitPlainArray(s)
	if !ok {
		if err := json.Unmarshal([]byte(s), &flat); err != nil {
			return nil, fmt.Errorf("field array %.64q: %w", s, err)
		}
	}
	if len(flat)%2 != 0 {
		return nil, fmt.Errorf("field array %.64q: odd number of elements (%d)", s, len(flat))
	}
	fields := make(FieldValues, 0, len(flat)/2)
	for i := 0; i < len(flat); i += 2 {
		fields = append(fields, FieldValue{flat[i], flat[i+1]})
	}
	return fields, nil
}

// splitPlainArray is the fast path of DecodeFieldArray for what swss
// writers produce: a JSON array of strings without whitespace, escapes or
// control characters, in valid UTF-8. The items are substrings of s (no
// copies). Anything else returns ok false and goes through encoding/json,
// so the result is always what encoding/json would give.
func splitPlainArray(s string) (items []string, ok bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	if body == "" {
		return []string{}, true
	}
	if !utf8.ValidString(body) {
		return nil, false
	}
	items = make([]string, 0, 8)
	for i := 0; ; {
		if i >= len(body) || body[i] != '"' {
			return nil, false
		}
		j := i + 1
		for j < len(body) && body[j] != '"' {
			if c := body[j]; c == '\\' || c < 0x20 {
				return nil, false
			}
			j++
		}
		if j == len(body) {
			return nil, false
		}
		items = append(items, body[i+1:j])
		i = j + 1
		if i == len(body) {
			return items, true
		}
		if body[i] != ',' {
			return nil, false
		}
		i++
	}
}
