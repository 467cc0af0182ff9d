package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// ConfigRow is one CONFIG_DB row of a config_db.json file.
type ConfigRow struct {
	Table, Key string
	Fields     map[string]string
}

// ParseConfigDB parses SONiC's config_db.json format,
// {"TABLE": {"key": {"field": "value"}}}, into rows sorted by table and key.
// A JSON list value is stored as field "name@" = "a,b" (SONiC's list
// encoding); an empty row becomes NULL=NULL.
func ParseConfigDB(data []byte) ([]ConfigRow, error) {
	var doc map[string]map[string]map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("config_db.json: want {\"TABLE\": {\"key\": {\"field\": \"value\"}}}: %w", err)
	}
	var rows []ConfigRow
	for table, keys := range doc {
		if table == "" || strings.Contains(table, "|") {
			return nil, fmt.Errorf("config_db.json: table name %q is empty or holds '|'", table)
		}
		for key, fields := range keys {
			if key == "" {
				return nil, fmt.Errorf("config_db.json: %s: empty key", table)
			}
			r := ConfigRow{Table: table, Key: key, Fields: map[string]string{}}
			for name, raw := range fields {
				var s string
				if err := json.Unmarshal(raw, &s); err == nil {
					r.Fields[name] = s
					continue
				}
				var list []string
				if err := json.Unmarshal(raw, &list); err != nil {
					return nil, fmt.Errorf("config_db.json: %s|%s field %q: value must be a string or a list of strings, not %s", table, key, name, raw)
				}
				r.Fields[strings.TrimSuffix(name, "@")+"@"] = strings.Join(list, ",")
			}
			if len(r.Fields) == 0 {
				r.Fields["NULL"] = "NULL"
			}
			rows = append(rows, r)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Table != rows[j].Table {
			return rows[i].Table < rows[j].Table
		}
		return rows[i].Key < rows[j].Key
	})
	return rows, nil
}

// FormatConfigDB writes rows as config_db.json (sorted, 4-space indent):
// NULL=NULL rows become {}, "name@" fields become lists.
func FormatConfigDB(rows []ConfigRow) ([]byte, error) {
	doc := map[string]map[string]map[string]any{}
	for _, r := range rows {
		if doc[r.Table] == nil {
			doc[r.Table] = map[string]map[string]any{}
		}
		f := map[string]any{}
		for name, v := range r.Fields {
			switch {
			case name == "NULL" && v == "NULL":
			case strings.HasSuffix(name, "@"):
				list := []string{}
				if v != "" {
					list = strings.Split(v, ",")
				}
				f[strings.TrimSuffix(name, "@")] = list
			default:
				f[name] = v
			}
		}
		doc[r.Table][r.Key] = f
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
