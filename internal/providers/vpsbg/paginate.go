package vpsbg

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/vpsops/vpsops/internal/fault"
)

// maxPages bounds a listing, so an API that always says "next" cannot
// keep the driver looping.
const maxPages = 200

// listAll fetches every page of a paginated list. It asks for page N
// itself rather than following links.next: Laravel's links drop the
// query (filters, per_page) unless the API opts in. perPage 0 leaves the
// page size to the API.
func listAll[T any](ctx context.Context, d *Driver, path string, q url.Values, perPage int, action string) ([]T, error) {
	q = cloneValues(q)
	if perPage > 0 {
		q.Set("per_page", strconv.Itoa(perPage))
	}
	var out []T
	for n := 1; ; n++ {
		if n > maxPages {
			return nil, fault.Errorf(fault.Unavailable, "%s: VPSBG returned more than %d pages", action, maxPages)
		}
		q.Set("page", strconv.Itoa(n))
		var p page[T]
		if err := d.do(ctx, call{method: http.MethodGet, path: path, query: q, action: action, what: path}, &p); err != nil {
			return nil, err
		}
		if !p.found {
			return nil, fault.Errorf(fault.Unavailable, "%s: malformed response from VPSBG (no data list)", action)
		}
		out = append(out, p.Data...)
		if !p.Next || len(p.Data) == 0 {
			return out, nil
		}
	}
}

func cloneValues(q url.Values) url.Values {
	c := make(url.Values, len(q)+2)
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	return c
}
