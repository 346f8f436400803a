package hyperstack

import (
	"context"
	"net/url"

	"github.com/driftless/driftless/provider/internal/rest"
)

// call sends one request and returns the body of a 2xx answer, or a
// classified error. path is joined to the base URL segment by segment, so
// ids are escaped.
func (p *Provider) call(ctx context.Context, what, method string, path []string, query url.Values, reqBody any) ([]byte, error) {
	resp, err := p.rest.Do(ctx, what, method, path, query, reqBody)
	if err != nil {
		return nil, rest.TransportError(Name, what, err)
	}
	if !resp.OK() {
		return nil, statusError(what, resp.Status, resp.Body)
	}
	return resp.Body, nil
}
