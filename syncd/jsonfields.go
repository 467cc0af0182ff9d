package syncd

import (
	"encoding/json"
	"strings"
)

// decodeStringArray decodes a JSON array of strings (the queue's field
// array) without reflection; anything unusual goes to encoding/json.
func decodeStringArray(s string) ([]string, error) {
	fast := func() ([]string, bool) {
		s := strings.TrimSpace(s)
		if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
			return nil, false
		}
		body := strings.TrimSpace(s[1 : len(s)-1])
		out := make([]string, 0, strings.Count(body, `","`)+1)
		for len(body) > 0 {
			if body[0] != '"' {
				return nil, false
			}
			end := strings.IndexByte(body[1:], '"')
			if end < 0 {
				return nil, false
			}
			str := body[1 : 1+end]
			if strings.IndexByte(str, '\\') >= 0 {
				return nil, false // escapes: let encoding/json do it
			}
			for i := 0; i < len(str); i++ {
				if str[i] < 0x20 {
					return nil, false
				}
			}
			out = append(out, str)
			body = strings.TrimSpace(body[2+end:])
			if len(body) == 0 {
				break
			}
			if body[0] != ',' {
				return nil, false
			}
			body = strings.TrimSpace(body[1:])
			if len(body) == 0 {
				return nil, false
			}
		}
		return out, true
	}
	if out, ok := fast(); ok {
		return out, nil
	}
	var arr []string
	if err := json.Unmarshal([]byte(s), &arr); err != nil {
		return nil, err
	}
	return arr, nil
}
