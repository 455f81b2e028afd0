package neo4j

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/grafana/sobek"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The auth schemes connect()'s `auth` option takes.
const (
	AuthBasic    = "basic"
	AuthBearer   = "bearer"
	AuthKerberos = "kerberos"
	AuthNone     = "none"
	AuthCustom   = "custom"
)

var authSchemes = []string{AuthBasic, AuthBearer, AuthKerberos, AuthNone, AuthCustom}

// The fields each scheme takes; the secret one of each is never shown in a message.
var authFields = map[string][]string{
	AuthBasic:    {"scheme", "user", "password", "realm"},
	AuthBearer:   {"scheme", "token"},
	AuthKerberos: {"scheme", "ticket"},
	AuthNone:     {"scheme"},
	AuthCustom:   {"scheme", "principal", "credentials", "realm", "parameters", "customScheme"},
}

// secretAuthFields are the fields of `auth` that hold a secret, whatever the scheme.
var secretAuthFields = []string{"password", "token", "ticket", "credentials"}

// CustomAuth is the part of a custom login that is not the principal, realm or secret.
type CustomAuth struct {
	// Scheme is the scheme name sent to the server's auth plugin ("custom" by default).
	Scheme     string
	Parameters map[string]any
}

// AuthOptions is connect()'s `auth` option, read.
type AuthOptions struct {
	Scheme    string
	Principal string // user (basic) or principal (custom)
	Realm     string
	Secret    string // password, token, ticket or credentials
	Custom    *CustomAuth
}

// apply puts the non-secret part of a into t: the principal, scheme and realm.
func (a *AuthOptions) apply(t *Target) {
	t.Auth, t.Realm, t.Custom = a.Scheme, a.Realm, a.Custom
	if a.Scheme != AuthBasic {
		t.User = a.Principal // empty for bearer, kerberos and none
	}
}

// authScheme is t's login scheme, "basic" when none was named.
func (t Target) authScheme() string {
	if t.Auth == "" {
		return AuthBasic
	}
	return t.Auth
}

// principal names who logs in, without any secret: the user of a basic login, the scheme of
// a bearer, kerberos or anonymous one (their principal is inside the secret, or absent), and
// custom:principal for a custom one.
func (t Target) principal() string {
	switch s := t.authScheme(); s {
	case AuthBasic:
		return t.User
	case AuthCustom:
		if t.User != "" {
			return AuthCustom + ":" + t.User
		}
		return AuthCustom
	default:
		return s
	}
}

// authToken is the driver's login token for t and its secret.
func authToken(t Target, secret string) neo4j.AuthToken {
	switch t.authScheme() {
	case AuthBearer:
		return neo4j.BearerAuth(secret)
	case AuthKerberos:
		return neo4j.KerberosAuth(secret)
	case AuthNone:
		return neo4j.NoAuth()
	case AuthCustom:
		c := t.Custom
		if c == nil {
			c = &CustomAuth{}
		}
		scheme := c.Scheme
		if scheme == "" {
			scheme = AuthCustom
		}
		return neo4j.CustomAuth(scheme, t.User, secret, t.Realm, c.Parameters)
	}
	return neo4j.BasicAuth(t.User, secret, t.Realm)
}

// keyMaterial is what poolKey hashes besides the secret: everything that makes two logins
// of the same principal differ (the scheme, realm and a custom login's parameters, which may
// hold secrets too).
func (t Target) keyMaterial() []byte {
	var b strings.Builder
	b.WriteString(t.authScheme())
	b.WriteByte(0)
	b.WriteString(t.Realm)
	b.WriteByte(0)
	if t.Custom != nil {
		b.WriteString(t.Custom.Scheme)
		b.WriteByte(0)
		p, _ := json.Marshal(t.Custom.Parameters) // map keys come out sorted
		b.Write(p)
	}
	b.WriteByte(0)
	return []byte(b.String())
}

// plainScheme is what a mistyped scheme name looks like (a short lowercase word): only such
// a value is echoed, since anything else may be a token put in the wrong field.
var plainScheme = regexp.MustCompile(`^[a-z]{1,12}$`)

// parseAuth reads connect()'s `auth` option. Each bad field is an error naming it as
// "auth.FIELD"; a secret field is named by the type of its value only.
func parseAuth(rt *sobek.Runtime, v sobek.Value) (*AuthOptions, []error) {
	bad := func(field string, err error) error {
		return fmt.Errorf("%w %q in connect(): %w", ErrInvalidOption, "auth."+field, err)
	}
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() != "Object" {
		// Named by type only: a token passed as auth itself must not be echoed.
		return nil, []error{fmt.Errorf("%w \"auth\" in connect(): want an object such as {scheme: 'bearer', token}, got %s (the value is not shown)", ErrInvalidOption, describeType(v))}
	}
	sv := obj.Get("scheme")
	if sv == nil {
		return nil, []error{bad("scheme", fmt.Errorf("missing: name one of %s", strings.Join(authSchemes, ", ")))}
	}
	scheme, isStr := stringValue(sv)
	if !isStr {
		return nil, []error{bad("scheme", fmt.Errorf("want one of %s, got %s", strings.Join(authSchemes, ", "), describeType(sv)))}
	}
	if !slices.Contains(authSchemes, scheme) {
		shown := "a string that is none of them (the value is not shown)"
		if plainScheme.MatchString(scheme) {
			shown = strconv.Quote(scheme)
			if hint := suggest(scheme, authSchemes); strings.HasPrefix(hint, " (did you mean") {
				shown += hint
			}
		}
		return nil, []error{bad("scheme", fmt.Errorf("want one of %s, got %s", strings.Join(authSchemes, ", "), shown))}
	}
	a := &AuthOptions{Scheme: scheme}
	if scheme == AuthBasic {
		a.Principal = "neo4j" // as when connect() is given no user
	}
	var errs []error
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		if !slices.Contains(authFields[scheme], k) {
			errs = append(errs, bad(k, fmt.Errorf("not a field of the %s scheme (it takes %s)", scheme, strings.Join(authFields[scheme], ", "))))
			continue
		}
		var err error
		switch k {
		case "user", "principal":
			a.Principal, err = optString(val)
		case "realm":
			a.Realm, err = optString(val)
		case "customScheme":
			cs, e := optString(val)
			err = e
			if a.Custom == nil {
				a.Custom = &CustomAuth{}
			}
			a.Custom.Scheme = cs
		case "parameters":
			var m map[string]any
			m, err = mapFromJS(rt, val, "auth.parameters", "auth.parameters")
			if err != nil {
				// The converter's message may quote a value: a parameter may be a secret.
				err = fmt.Errorf("want an object of plain values, got %s or a value inside it that cannot be sent (the value is not shown)", describeType(val))
			}
			if a.Custom == nil {
				a.Custom = &CustomAuth{}
			}
			a.Custom.Parameters = m
		case "password", "token", "ticket", "credentials":
			a.Secret, err = optSecret(val)
			if err == nil && a.Secret == "" && k != "password" && k != "credentials" {
				err = fmt.Errorf("want a non-empty string, got an empty one")
			}
		}
		if err != nil {
			errs = append(errs, bad(k, err))
		}
	}
	switch scheme {
	case AuthBearer:
		if obj.Get("token") == nil {
			errs = append(errs, bad("token", fmt.Errorf("missing: the bearer scheme needs the token (a string)")))
		}
	case AuthKerberos:
		if obj.Get("ticket") == nil {
			errs = append(errs, bad("ticket", fmt.Errorf("missing: the kerberos scheme needs the ticket (a base64 string)")))
		}
	}
	return a, errs
}

// authSecrets are the texts of a connect() options object that must never show up in a
// message: the password and the auth option's secret fields and custom parameters, as their
// primitive renderings.
func authSecrets(opts *sobek.Object) []string {
	var out []string
	if pw := opts.Get("password"); pw != nil && !isUndefined(pw) {
		out = append(out, primitiveText(pw)...)
	}
	av := opts.Get("auth")
	if av == nil || isUndefined(av) {
		return out
	}
	ao, ok := av.(*sobek.Object)
	if !ok {
		return append(out, primitiveText(av)...) // a token passed as auth itself
	}
	for _, k := range secretAuthFields {
		if x := ao.Get(k); x != nil && !isUndefined(x) {
			out = append(out, primitiveText(x)...)
		}
	}
	if p, ok := ao.Get("parameters").(*sobek.Object); ok {
		for _, k := range p.Keys() {
			if x := p.Get(k); x != nil && !isUndefined(x) {
				out = append(out, primitiveText(x)...)
			}
		}
	}
	return out
}

// Values of the connect option `bookmarks`.
const (
	BookmarksVU     = "vu"     // each of a VU's sessions chains its own bookmarks (the default)
	BookmarksShared = "shared" // one bookmark manager per identity, shared by every VU
	BookmarksNone   = "none"   // no bookmarks: a new session per call
)

func optBookmarks(v sobek.Value) (string, error) {
	s, ok := stringValue(v)
	switch {
	case ok && (s == BookmarksVU || s == BookmarksShared || s == BookmarksNone):
		return s, nil
	}
	return "", fmt.Errorf("want 'vu', 'shared' or 'none', got %s", describeJS(v))
}

func optAccessMode(v sobek.Value) (string, error) {
	s, ok := stringValue(v)
	if ok && (s == "read" || s == "write") {
		return s, nil
	}
	return "", fmt.Errorf("want 'read' or 'write', got %s", describeJS(v))
}
