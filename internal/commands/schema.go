package commands

// Schema returns the JSON Schema of the command's arguments: a flat object,
// as MCP tool input schemas and Discord options need. Secret arguments are
// marked writeOnly, so clients know never to echo them.
func (c *Command) Schema() map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, a := range c.Args {
		p := map[string]any{"description": a.Help}
		switch a.Kind {
		case KindInt:
			p["type"] = "integer"
			p["minimum"] = a.Min
			if a.Max > 0 {
				p["maximum"] = a.Max
			}
		case KindEnum:
			p["type"] = "string"
			p["enum"] = a.Enum
		default:
			p["type"] = "string"
			p["minLength"] = 1
			p["maxLength"] = MaxValueLen
		}
		switch a.Kind {
		case KindServer:
			p["pattern"] = reServerRef.String()
		case KindServerFilter:
			p["pattern"] = `^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}(/([A-Za-z0-9][A-Za-z0-9._:-]{0,127})?)?$`
		case KindProvider:
			p["pattern"] = reProvider.String()
		case KindName:
			p["pattern"] = reName.String()
		case KindIP:
			p["format"] = "ip"
		case KindHostname:
			p["format"] = "hostname"
		case KindRequestID:
			p["pattern"] = reRequestID.String()
		case KindPrincipal:
			p["pattern"] = rePrincipal.String()
		case KindSecret:
			p["minLength"] = 8
			p["writeOnly"] = true
		}
		props[a.Name] = p
		if a.Required {
			required = append(required, a.Name)
		}
	}
	return map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
}
