// Package neo4j is the `k6/x/neo4j` module: a client for Neo4j that k6-style scripts use to
// run Cypher under load, with one shared driver per identity and a metric for every query.
//
//	import neo4j from 'k6/x/neo4j';
//	const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER, password: __ENV.NEO4J_PASSWORD });
//	export default function () {
//	  const r = db.read('MATCH (n) RETURN count(n) AS n', {}, { tags: { name: 'count' } });
//	  console.log(r.records[0].n, r.count, r.duration);
//	}
//
// The host creates the [RootModule] once per run ([New]); it owns the driver [Pool]. Every
// VU gets a [ModuleInstance]; each connect() takes a lease on the pool that close() or the
// end of the VU gives back.
package neo4j

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/grafana/sobek"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/notifications"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// RootModule is created once per test run.
type RootModule struct {
	pool *Pool

	metricsOnce sync.Once
	metrics     *moduleMetrics
	metricsErr  error

	// info is what Report returns: servers, plans, profiles.
	info runInfo
	// plans are the queries' plans and profiles (plans.go).
	plans *planStore
}

// ModuleInstance is the module as one VU sees it.
type ModuleInstance struct {
	root    *RootModule
	vu      modules.VU
	exports *sobek.Object
	// clients are the VU's connections, by identity, password (as the pool's keyed hash)
	// and database: connect() again, in init or in every iteration, returns a handle on the
	// same one instead of a new lease, driver check and set of sessions.
	clients map[string]*Client
	// connects counts this VU's connect() calls: the order in which its clients were last
	// used, to evict the least recently used idle one.
	connects uint64
	// envPassword is NEO4J_PASSWORD as the script's environment had it at import, so that
	// connect() keeps it out of its messages outside init too.
	envPassword string
	// recording: the init code runs for archive or inspect; connect() checks its arguments
	// and returns a handle that never dials (queries cannot run in init anyway).
	recording bool
}

var (
	_ modules.Module   = (*RootModule)(nil)
	_ modules.Instance = (*ModuleInstance)(nil)
	_ io.Closer        = (*RootModule)(nil)
)

// New returns the root module with the real driver.
func New() *RootModule { return NewWithFactory(NewDriver) }

// NewWithFactory returns a root module whose pool makes drivers with f.
func NewWithFactory(f DriverFactory) *RootModule {
	return &RootModule{pool: NewPool(f), plans: newPlanStore()}
}

// Pool is the run's driver pool.
func (r *RootModule) Pool() *Pool { return r.pool }

// Close closes every driver still open; the host calls it once after every VU has ended.
// The EXPLAINs still pending get up to planCloseWait first (WaitPlans before Close has them
// all); the rest are given up.
func (r *RootModule) Close() error {
	r.plans.close(planCloseWait)
	return r.pool.Close()
}

// NewModuleInstance implements modules.Module.
func (r *RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	mi := &ModuleInstance{root: r, vu: vu}
	if env := vu.InitEnv(); env != nil {
		if env.LookupEnv != nil {
			mi.envPassword, _ = env.LookupEnv("NEO4J_PASSWORD")
		}
		mi.recording = env.Recording
	}
	rt := vu.Runtime()
	// Registered at import, so thresholds on neo4j metrics are known before any query.
	if _, err := r.metricsFor(vu); err != nil {
		throw(rt, err)
	}
	r.noteInitEnv(vu.InitEnv())
	mi.exports = rt.NewObject()
	intFn, floatFn, types := mi.helpers(rt)
	_ = mi.exports.Set("connect", mi.connect)
	_ = mi.exports.Set("int", intFn)
	_ = mi.exports.Set("float", floatFn)
	_ = mi.exports.Set("types", types)
	return mi
}

// Exports implements modules.Instance.
func (mi *ModuleInstance) Exports() modules.Exports {
	named := map[string]any{}
	for _, k := range mi.exports.Keys() {
		named[k] = mi.exports.Get(k)
	}
	return modules.Exports{Default: mi.exports, Named: named}
}

func (r *RootModule) metricsFor(vu modules.VU) (*moduleMetrics, error) {
	r.metricsOnce.Do(func() {
		env := vu.InitEnv()
		if env == nil {
			r.metricsErr = errors.New("neo4j: the module must be imported at the top of the script")
			return
		}
		r.metrics, r.metricsErr = registerMetrics(env.Registry)
		if r.metricsErr == nil {
			var pm *profileMetrics
			pm, r.metricsErr = registerProfileMetrics(env.Registry)
			r.plans.init(env.Logger, pm)
		}
	})
	return r.metrics, r.metricsErr
}

// NewDriver makes a real driver with settings for load testing: notifications and telemetry
// off, retries capped.
func NewDriver(t Target, password string, s Settings) (neo4j.DriverWithContext, error) {
	var roots *x509.CertPool
	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w \"caFile\": %w", ErrInvalidOption, err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w \"caFile\": %s holds no PEM certificate", ErrInvalidOption, s.CAFile)
		}
	}
	return neo4j.NewDriverWithContext(t.URI(), authToken(t, password), func(c *config.Config) {
		c.MaxConnectionPoolSize = s.MaxConnectionPoolSize
		c.ConnectionAcquisitionTimeout = s.ConnectionAcquisitionTimeout
		c.SocketConnectTimeout = s.ConnectionTimeout
		c.MaxTransactionRetryTime = s.MaxTransactionRetryTime
		c.MaxConnectionLifetime = s.MaxConnectionLifetime
		c.FetchSize = s.FetchSize
		c.UserAgent = s.UserAgent
		c.NotificationsMinSeverity = notifications.DisabledLevel
		c.TelemetryDisabled = true
		if roots != nil {
			// The driver fills in the server name and verification per scheme.
			c.TlsConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		}
	})
}

// throw raises err as a JS exception: an Error with `name`, `code` and `message`.
func throw(rt *sobek.Runtime, err error) {
	panic(jsError(rt, err))
}

func jsError(rt *sobek.Runtime, err error) *sobek.Object {
	ex := rt.NewGoError(err)
	var qe *QueryError
	if errors.As(err, &qe) {
		_ = ex.Set("name", "Neo4jError")
		_ = ex.Set("code", qe.Code)
	}
	return ex
}

// connect(uri, options) returns a client for one identity.
func (mi *ModuleInstance) connect(call sobek.FunctionCall) sobek.Value {
	rt := mi.vu.Runtime()
	secrets := []string{mi.envPassword} // never echoed, whichever message they would end up in
	// A password of the wrong type, or one passed as the whole options argument, is a
	// secret too: its rendering must not show up through another option's message.
	if arg := call.Argument(1); !isUndefined(arg) {
		if o, ok := arg.(*sobek.Object); ok {
			// The password, and the token, ticket, credentials and custom parameters of auth.
			secrets = append(secrets, authSecrets(o)...)
		} else {
			secrets = append(secrets, primitiveText(arg)...)
		}
	}
	fail := func(err error) { throw(rt, redact(err, secrets)) }
	m, err := mi.root.metricsFor(mi.vu)
	if err != nil {
		fail(err)
	}
	uri := call.Argument(0)
	if isUndefined(uri) {
		fail(errors.New("neo4j.connect(): the first argument must be the server URI, e.g. bolt://127.0.0.1:7687 (is NEO4J_URI set?)"))
	}
	if _, ok := stringValue(uri); !ok {
		fail(fmt.Errorf("neo4j.connect(): the first argument must be the server URI as a string, e.g. bolt://127.0.0.1:7687, got %s", describeType(uri)))
	}
	optsArg := call.Argument(1)
	if mi.recording {
		optsArg = withoutUnsetSecrets(rt, optsArg)
	}
	opts, err := parseConnectOptions(rt, optsArg)
	if err != nil {
		fail(err)
	}
	target, err := ParseTarget(uri.String(), opts.User)
	if err == nil && opts.Auth != nil {
		opts.Auth.apply(&target)
		if opts.Auth.Scheme != AuthBasic {
			opts.Password = opts.Auth.Secret
		}
	}
	if err == nil {
		err = checkTLS(target, opts.Settings)
	}
	if err != nil {
		fail(err)
	}
	if mi.recording {
		// archive and inspect: the options are checked, nothing is dialled and no
		// password is needed. The client has no lease; its VU never runs code that queries.
		c := &Client{vu: mi.vu, target: target, metrics: m, database: opts.Database, identity: target.Identity(), closed: true}
		return mi.handleOn(c, opts.Profile).jsObject(rt)
	}
	// Session options are part of the client: another impersonated user or bookmark policy
	// is another client (on the same lease of the identity's driver).
	key := poolKey(target, opts.Password) + "\x00" + opts.Database + "\x00" + opts.ImpersonatedUser + "\x00" + opts.Bookmarks
	if c := mi.clients[key]; c != nil && !c.isClosed() {
		if diff := settingsDiff(c.settings, opts.Settings); diff != "" {
			fail(fmt.Errorf("%w: %s for %s", ErrSettingsConflict, diff, target.Identity()))
		}
		return mi.handleOn(c, opts.Profile).jsObject(rt)
	}
	lease, err := mi.root.pool.Acquire(mi.vu.Lifetime(), target, opts.Password, opts.Settings)
	if err != nil {
		var qe *QueryError
		if opts.Password == "" && target.authScheme() == AuthBasic && errors.As(err, &qe) && qe.Code == "Neo.ClientError.Security.Unauthorized" {
			err = fmt.Errorf("%w; no password was given (is NEO4J_PASSWORD set?)", err)
		}
		fail(err)
	}
	mi.root.noteServer(mi.vu.Context(), lease, target, opts.Database)
	mi.root.startSampler(lease, target, opts.Database, mi.vu)
	c := &Client{
		vu: mi.vu, lease: lease, target: target, metrics: m,
		database: opts.Database, identity: target.Identity(),
		sessions: make(map[sessionKey]neo4j.SessionWithContext), settings: opts.Settings,
		tagCache:      make(map[tagKey]*metrics.TagSet),
		impersonating: opts.ImpersonatedUser, bookmarks: opts.Bookmarks,
		plans: mi.root.plans,
	}
	if opts.Bookmarks == BookmarksShared {
		c.sharedBookmarks = lease.SharedBookmarks()
	}
	// The end of the VU gives the lease back: once per client, however many times the
	// script connects and closes.
	c.mu.Lock() // c.close may run at once, on another goroutine, if the VU has ended
	c.stopAtEnd = context.AfterFunc(mi.vu.Lifetime(), c.close)
	c.mu.Unlock()
	mi.evictIdle()
	if mi.clients == nil {
		mi.clients = make(map[string]*Client)
	}
	mi.clients[key] = c
	return mi.handleOn(c, opts.Profile).jsObject(rt)
}

// withoutUnsetSecrets is connect()'s options without the secrets that are undefined
// (password: __ENV.NEO4J_PASSWORD where it is not set), in auth too: archive and inspect
// need no credentials. The script's objects are copied, never changed.
func withoutUnsetSecrets(rt *sobek.Runtime, v sobek.Value) sobek.Value {
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() != "Object" {
		return v
	}
	out := rt.NewObject()
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		switch {
		case slices.Contains(secretAuthFields, k) && isUndefined(val):
			continue
		case k == "auth":
			val = withoutUnsetSecrets(rt, val)
		}
		_ = out.Set(k, val)
	}
	return out
}

// maxIdleClients bounds the clients a VU keeps with no open handle: a script that connects
// and closes as a different user in every iteration must not hold a driver per user.
const maxIdleClients = 8

// evictIdle ends the VU's least recently used clients without an open handle, beyond
// maxIdleClients: their sessions close and their leases go back to the pool.
func (mi *ModuleInstance) evictIdle() {
	for {
		idle, oldestKey := 0, ""
		var oldest *Client
		for k, c := range mi.clients {
			if c.isClosed() {
				delete(mi.clients, k)
				continue
			}
			if c.handles > 0 {
				continue
			}
			idle++
			if oldest == nil || c.lastUse < oldest.lastUse {
				oldest, oldestKey = c, k
			}
		}
		if idle < maxIdleClients {
			return
		}
		delete(mi.clients, oldestKey)
		oldest.close()
	}
}

// redact hides each secret (of 4 bytes or more) that err's message would show, keeping
// err's chain (and so its code) for errors.As. The options' own errors never show the
// password; this is the net below them, e.g. for a password passed as the URI.
func redact(err error, secrets []string) error {
	msg := err.Error()
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "(redacted)")
		}
	}
	if msg == err.Error() {
		return err
	}
	return redactedError{msg: msg, err: err}
}

// primitiveText is how a message could render a primitive value (none for objects and
// symbols, which messages only name by type).
func primitiveText(v sobek.Value) []string {
	switch v.(type) {
	case *sobek.Object, *sobek.Symbol:
		return nil
	}
	return []string{v.String()}
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// Client is a VU's connection to one identity and database: a lease on the identity's
// driver and the VU's sessions. It lives until the VU ends; each connect() returns a handle
// on it. A VU runs on one goroutine; mu only orders a query against the release at the VU's
// end.
type Client struct {
	vu       modules.VU
	lease    *Lease
	target   Target
	metrics  *moduleMetrics
	database string
	identity string

	mu       sync.Mutex
	closed   bool   // the VU has ended: the lease is given back
	inTx     string // "writeTx" while a transaction function runs: nested calls would deadlock
	sessions map[sessionKey]neo4j.SessionWithContext
	settings Settings
	tagCache map[tagKey]*metrics.TagSet
	names    map[string]string // default query names by query text

	// plans is the run's plans and profiles; planned the queries this client has noted
	// there, profiled the PROFILE text of its queries (both one VU's, so no lock).
	plans    *planStore
	planned  map[planSeen]*queryEntry
	profiled map[string]string

	// Session options from connect(): the user the sessions act as (a call may name
	// another), the bookmark policy and, for 'shared', the identity's bookmark manager.
	impersonating   string
	bookmarks       string
	sharedBookmarks neo4j.BookmarkManager

	// On the VU's goroutine only: the handles connect() gave out and close() has not ended,
	// and a counter of the last connect(), to evict the least recently used idle client.
	handles   int
	lastUse   uint64
	stopAtEnd func() bool // stops the AfterFunc on the VU's lifetime, for an early close
}

// handleOn gives the script a new handle on c, with that connect()'s profile share, and
// marks c as just used.
func (mi *ModuleInstance) handleOn(c *Client, profile float64) *handle {
	mi.connects++
	c.handles++
	c.lastUse = mi.connects
	return &handle{c: c, profile: profile}
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// handle is what one connect() returned to the script. close() ends the handle and the
// sessions (a later query opens them again); the VU keeps its lease until it ends, so a
// script that connects and closes in every iteration neither makes drivers nor leaks.
type handle struct {
	c      *Client
	closed bool
	// profile is the share of this handle's calls that run as PROFILE (connect()'s
	// profile option); a call's own profile wins. Per handle: two connect() calls of one
	// identity share a client but keep their own share.
	profile float64
}

func (h *handle) jsObject(rt *sobek.Runtime) *sobek.Object {
	c := h.c
	open := func(fn string) {
		if h.closed {
			throw(rt, &QueryError{Code: CodeUsage, Identity: c.identity, Msg: fn + "(): the client is closed (connect() again for a new one)", Err: ErrPoolClosed})
		}
	}
	o := rt.NewObject()
	_ = o.Set("read", func(call sobek.FunctionCall) sobek.Value { open("read"); return c.query(call, modeRead, h.profile) })
	_ = o.Set("write", func(call sobek.FunctionCall) sobek.Value { open("write"); return c.query(call, modeWrite, h.profile) })
	_ = o.Set("run", func(call sobek.FunctionCall) sobek.Value { open("run"); return c.query(call, modeAuto, h.profile) })
	_ = o.Set("readTx", func(call sobek.FunctionCall) sobek.Value { open("readTx"); return c.tx(call, modeRead, h.profile) })
	_ = o.Set("writeTx", func(call sobek.FunctionCall) sobek.Value { open("writeTx"); return c.tx(call, modeWrite, h.profile) })
	_ = o.Set("close", func(sobek.FunctionCall) sobek.Value {
		c.refuseNested(rt, "close")
		if !h.closed {
			h.closed = true
			c.handles--
			c.closeSessions()
		}
		return sobek.Undefined()
	})
	_ = o.Set("identity", c.identity)
	_ = o.Set("database", c.database)
	return o
}

// closeSessions closes the client's sessions; the next query opens new ones.
func (c *Client) closeSessions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeSessionsLocked()
}

// closeSessionsLocked is closeSessions with c.mu held.
func (c *Client) closeSessionsLocked() {
	for k, s := range c.sessions {
		_ = s.Close(context.Background())
		delete(c.sessions, k)
	}
}

// refuseNested stops db.read() & co. inside readTx/writeTx, which would wait for the
// transaction that waits for them.
func (c *Client) refuseNested(rt *sobek.Runtime, fn string) {
	if c.inTx != "" {
		throw(rt, fmt.Errorf("neo4j: %s() cannot be called inside %s(); use tx.run() there", fn, c.inTx))
	}
}

// close gives the lease back, when the VU ends or the client is evicted.
func (c *Client) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	if c.stopAtEnd != nil {
		c.stopAtEnd() // nothing left for the end of the VU to do
	}
	c.closeSessionsLocked()
	c.lease.Release()
}

type queryMode string

const (
	modeRead  queryMode = "read"
	modeWrite queryMode = "write"
	modeAuto  queryMode = "auto"
)

// callOptions are a call's third argument.
type callOptions struct {
	tags     map[string]string
	database string
	timeout  time.Duration
	metadata map[string]any
	// accessMode is run()'s "read" or "write" ("" is write, as before).
	accessMode string
	// impersonatedUser overrides connect()'s for this call.
	impersonatedUser string
	// profile is the share of calls like this one that run as PROFILE; -1 when the call
	// does not say (connect()'s profile applies).
	profile float64
}

func parseCallOptions(rt *sobek.Runtime, v sobek.Value, fn string) (callOptions, error) {
	o := callOptions{profile: -1}
	if isUndefined(v) {
		return o, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok {
		return o, fmt.Errorf("%w: %s() options must be an object, got %s", ErrInvalidOption, fn, describeType(v))
	}
	var errs []error
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		var err error
		switch k {
		case "tags":
			o.tags, err = tagsFromJS(val)
		case "database":
			o.database, err = optString(val)
		case "timeout":
			o.timeout, err = optDuration(val)
		case "metadata":
			o.metadata, err = mapFromJS(rt, val, "metadata", "transaction metadata")
		case "impersonatedUser":
			o.impersonatedUser, err = optString(val)
		case "profile":
			o.profile, err = optShare(val)
		case "accessMode":
			if fn != "run" {
				// read() and readTx() always read, write() and writeTx() always write.
				err = fmt.Errorf("only run() takes it: %s() has its own access mode", fn)
				break
			}
			o.accessMode, err = optAccessMode(val)
		default:
			err = fmt.Errorf("unknown option%s", suggest(k, []string{"tags", "database", "timeout", "metadata", "impersonatedUser", "accessMode", "profile"}))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%w %q in %s(): %w", ErrInvalidOption, k, fn, err))
		}
	}
	return o, errors.Join(errs...)
}

func tagsFromJS(v sobek.Value) (map[string]string, error) {
	obj, ok := v.(*sobek.Object)
	if !ok {
		return nil, fmt.Errorf("want an object of strings, got %s", describeJS(v))
	}
	out := make(map[string]string, len(obj.Keys()))
	for _, k := range obj.Keys() {
		x := obj.Get(k)
		if _, isObj := x.(*sobek.Object); isObj || isUndefined(x) {
			return nil, fmt.Errorf("tag %q: want a string, got %s", k, describeJS(x))
		}
		out[k] = x.String()
	}
	return out, nil
}

// outcome is what one call measured.
type outcome struct {
	keys    []string
	records []*neo4j.Record
	summary neo4j.ResultSummary
	elapsed time.Duration
	err     error
}

// query runs read(), write() or run(); profile is the handle's share of profiled calls.
func (c *Client) query(call sobek.FunctionCall, mode queryMode, profile float64) sobek.Value {
	rt := c.vu.Runtime()
	fn := string(mode)
	if mode == modeAuto {
		fn = "run"
	}
	state := c.vu.State()
	if state == nil {
		throw(rt, fmt.Errorf("neo4j: %s() cannot be called in the init context; call it in default(), setup() or teardown()", fn))
	}
	c.refuseNested(rt, fn)
	cypher := call.Argument(0)
	if isUndefined(cypher) {
		throw(rt, fmt.Errorf("neo4j: %s() needs a Cypher query as its first argument", fn))
	}
	params, err := paramsFromJS(rt, call.Argument(1))
	if err == nil {
		var opts callOptions
		opts, err = parseCallOptions(rt, call.Argument(2), fn)
		if opts.profile < 0 {
			opts.profile = profile
		}
		if err == nil {
			out := c.execute(state, mode, cypher.String(), params, opts)
			if out.err == nil {
				return c.resultObject(rt, out)
			}
			err = out.err
		}
	}
	throw(rt, err)
	return nil
}

// collect reads a result into o: keys, every record, the summary.
func (o *outcome) collect(ctx context.Context) func(neo4j.ResultWithContext, error) error {
	return func(r neo4j.ResultWithContext, err error) error {
		if err != nil {
			return err
		}
		if o.keys, err = r.Keys(); err != nil {
			return err
		}
		if o.records, err = r.Collect(ctx); err != nil {
			return err
		}
		o.summary, err = r.Consume(ctx)
		return err
	}
}

// measure times run, which fills an outcome.
func (c *Client) measure(run func(*outcome) error) outcome {
	var out outcome
	start := time.Now()
	out.err = run(&out)
	out.elapsed = time.Since(start)
	return out
}

func (c *Client) execute(state *modules.State, mode queryMode, cypher string, params map[string]any, opts callOptions) outcome {
	db := c.database
	if opts.database != "" {
		db = opts.database
	}
	ctx, cancel := c.callContext(opts)
	defer cancel()
	txOpts := c.txOptions(opts)

	// A profiled call runs as PROFILE instead of the plain query: once, same records.
	run := cypher
	if pickProfile(opts.profile) {
		run = c.profileText(cypher)
	}
	sk := c.sessionKey(db, mode, opts)
	c.mu.Lock()
	var out outcome
	attempts := 0
	if c.closed {
		out.err = &QueryError{Code: CodeUsage, Identity: c.identity, Msg: "the client is closed", Err: ErrPoolClosed}
	} else {
		out = c.measure(func(o *outcome) error {
			if mode == modeAuto {
				s, done := c.session(sk)
				defer done()
				return c.runAuto(ctx, s, run, params, txOpts, o)
			}
			var err error
			attempts, err = c.runManaged(ctx, sk, c.settings.MaxTransactionRetryTime, txOpts, func(tx neo4j.ExplicitTransaction) error {
				*o = outcome{}
				return o.collect(ctx)(tx.Run(ctx, run, params))
			})
			return err
		})
	}
	closed := c.closed
	c.mu.Unlock()
	if out.err != nil {
		out.err = describe(out.err, c.target)
	}
	name, prof := c.emit(state, mode, db, cypher, opts.tags, out)
	if attempts > 1 {
		c.emitRetries(state, mode, db, opts.tags, attempts-1)
	}
	if !closed {
		c.afterCall(name, db, cypher, params, sk, out, prof)
	}
	return out
}

// afterCall notes the call's query for its plan (EXPLAINed once per name, in the
// background) and, when it ran as PROFILE, its profile. Outside the measured time.
func (c *Client) afterCall(name, db, cypher string, params map[string]any, sk sessionKey, out outcome, prof profileTotals) {
	e := c.notePlan(name, db, cypher, params, sk, out.summary)
	if prof.ok && e != nil {
		c.plans.profiled(e, out.elapsed, prof, out.summary.Profile())
	}
}

// sessionKey is one of a client's sessions: per database, access mode (the mode routes
// reads to readers in a cluster) and impersonated user.
type sessionKey struct {
	db          string
	read        bool
	impersonate string
}

// sessionKey is the session a call runs in: read() and readTx() read, run() reads when its
// accessMode says so, the rest write; the call's impersonatedUser wins over connect()'s.
func (c *Client) sessionKey(db string, mode queryMode, opts callOptions) sessionKey {
	k := sessionKey{db: db, read: mode == modeRead || (mode == modeAuto && opts.accessMode == "read"), impersonate: c.impersonating}
	if opts.impersonatedUser != "" {
		k.impersonate = opts.impersonatedUser
	}
	return k
}

// session returns the client's session for k, opening it on first use, and what to do when
// the call is done with it. Reusing one session per VU avoids the per-call session set-up and
// clean-up the driver would otherwise do (see bench/); with bookmarks: 'none' each call has
// a session of its own, closed after it, so that no call waits for another's bookmark.
func (c *Client) session(k sessionKey) (neo4j.SessionWithContext, func()) {
	if s, ok := c.sessions[k]; ok {
		return s, func() {}
	}
	am := neo4j.AccessModeWrite
	if k.read {
		am = neo4j.AccessModeRead
	}
	cfg := neo4j.SessionConfig{DatabaseName: k.db, AccessMode: am, ImpersonatedUser: k.impersonate}
	if c.sharedBookmarks != nil {
		cfg.BookmarkManager = c.sharedBookmarks
	}
	s := c.lease.Driver().NewSession(context.Background(), cfg)
	if c.bookmarks == BookmarksNone {
		return s, func() { _ = s.Close(context.Background()) }
	}
	if len(c.sessions) >= 64 { // impersonated users built from data: keep it bounded
		c.closeSessionsLocked()
	}
	c.sessions[k] = s
	return s, func() {}
}

// emit pushes the call's samples; it returns the query's name and, for a call that ran as
// PROFILE, its totals (which it adds as neo4j_db_hits and neo4j_rows).
func (c *Client) emit(state *modules.State, mode queryMode, db, cypher string, userTags map[string]string, out outcome) (string, profileTotals) {
	name := userTags["name"]
	if name == "" {
		name = c.defaultName(cypher)
	}
	status, code := "ok", ""
	if out.err != nil {
		status, code = "error", errorCode(out.err)
	}
	tags := c.queryTags(state.Tags, userTags, mode, name, db, status, code)
	now := time.Now()
	failed := 0.0
	if out.err != nil {
		failed = 1
	}
	samples := make(metrics.Samples, 0, 5)
	samples = append(samples,
		metrics.Sample{Metric: c.metrics.QueryDuration, Tags: tags, Time: now, Value: ms(out.elapsed)},
		metrics.Sample{Metric: c.metrics.Queries, Tags: tags, Time: now, Value: 1},
		metrics.Sample{Metric: c.metrics.QueryFailed, Tags: tags, Time: now, Value: failed},
		metrics.Sample{Metric: c.metrics.Records, Tags: tags, Time: now, Value: float64(len(out.records))},
	)
	if out.summary != nil {
		server := out.summary.ResultAvailableAfter() + out.summary.ResultConsumedAfter()
		samples = append(samples, metrics.Sample{Metric: c.metrics.ServerDuration, Tags: tags, Time: now, Value: ms(server)})
	}
	var prof profileTotals
	if out.summary != nil && c.plans.metrics != nil {
		if p := out.summary.Profile(); p != nil {
			prof = totals(p)
			samples = append(samples,
				metrics.Sample{Metric: c.plans.metrics.DbHits, Tags: tags, Time: now, Value: float64(prof.dbHits)},
				metrics.Sample{Metric: c.plans.metrics.Rows, Tags: tags, Time: now, Value: float64(prof.rows)},
			)
		}
	}
	metrics.PushIfNotDone(c.vu.Context(), state.Samples, samples)
	return name, prof
}

// tagKey identifies a query's tag set when the call's own tags are at most a name: the
// common case, where the same few sets recur every iteration.
type tagKey struct {
	base                   *metrics.TagSet
	mode                   queryMode
	name, db, status, code string
}

// queryTags builds a query's tags: the VU's, the call's, then ours. Sets that recur are
// cached per client (one VU's, so no lock), which saves the allocations on the hot path.
func (c *Client) queryTags(base *metrics.TagSet, userTags map[string]string, mode queryMode, name, db, status, code string) *metrics.TagSet {
	_, onlyName := userTags["name"]
	cacheable := len(userTags) == 0 || (len(userTags) == 1 && onlyName)
	var k tagKey
	if cacheable {
		k = tagKey{base: base, mode: mode, name: name, db: db, status: status, code: code}
		if ts, ok := c.tagCache[k]; ok {
			return ts
		}
	}
	tags := base.WithMap(userTags).
		With("mode", string(mode)).With("name", name).With("db", db).
		With("identity", c.identity).With("status", status)
	if code != "" {
		tags = tags.With("error_code", code)
	}
	if cacheable {
		if len(c.tagCache) >= 4096 { // query names built from data: keep the cache bounded
			clear(c.tagCache)
		}
		c.tagCache[k] = tags
	}
	return tags
}

// defaultName is queryName, kept per client (one VU's, so no lock): the same few queries
// recur every iteration.
func (c *Client) defaultName(cypher string) string {
	if n, ok := c.names[cypher]; ok {
		return n
	}
	n := queryName(cypher)
	if len(cypher) > 4096 { // not worth keeping
		return n
	}
	if c.names == nil || len(c.names) >= 1024 { // queries built from data: keep it bounded
		c.names = make(map[string]string)
	}
	c.names[cypher] = n
	return n
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (c *Client) resultObject(rt *sobek.Runtime, out outcome) *sobek.Object {
	recs := make([]any, len(out.records))
	for i, r := range out.records {
		o := rt.NewObject()
		for j, k := range r.Keys {
			_ = o.Set(k, toJS(rt, r.Values[j]))
		}
		recs[i] = o
	}
	keys := make([]any, len(out.keys))
	for i, k := range out.keys {
		keys[i] = k
	}
	res := rt.NewObject()
	_ = res.Set("records", rt.NewArray(recs...))
	_ = res.Set("keys", rt.NewArray(keys...))
	_ = res.Set("count", len(out.records))
	_ = res.Set("duration", ms(out.elapsed))
	if sum := out.summary; sum != nil {
		// Built on first use: most iterations never read it.
		var cached *sobek.Object
		getter := rt.ToValue(func() *sobek.Object {
			if cached == nil {
				cached = summaryObject(rt, sum)
			}
			return cached
		})
		_ = res.DefineAccessorProperty("summary", getter, nil, sobek.FLAG_FALSE, sobek.FLAG_TRUE)
	}
	return res
}

func summaryObject(rt *sobek.Runtime, s neo4j.ResultSummary) *sobek.Object {
	o := rt.NewObject()
	cnt := s.Counters()
	counters := rt.NewObject()
	for _, kv := range []struct {
		k string
		v int
	}{
		{"nodesCreated", cnt.NodesCreated()}, {"nodesDeleted", cnt.NodesDeleted()},
		{"relationshipsCreated", cnt.RelationshipsCreated()}, {"relationshipsDeleted", cnt.RelationshipsDeleted()},
		{"propertiesSet", cnt.PropertiesSet()}, {"labelsAdded", cnt.LabelsAdded()}, {"labelsRemoved", cnt.LabelsRemoved()},
		{"indexesAdded", cnt.IndexesAdded()}, {"indexesRemoved", cnt.IndexesRemoved()},
		{"constraintsAdded", cnt.ConstraintsAdded()}, {"constraintsRemoved", cnt.ConstraintsRemoved()},
		{"systemUpdates", cnt.SystemUpdates()},
	} {
		_ = counters.Set(kv.k, kv.v)
	}
	_ = counters.Set("containsUpdates", cnt.ContainsUpdates())
	_ = o.Set("counters", counters)
	qt := map[neo4j.StatementType]string{neo4j.StatementTypeReadOnly: "r", neo4j.StatementTypeReadWrite: "rw",
		neo4j.StatementTypeWriteOnly: "w", neo4j.StatementTypeSchemaWrite: "s"}[s.StatementType()]
	_ = o.Set("queryType", qt)
	_ = o.Set("database", s.Database().Name())
	_ = o.Set("server", s.Server().Address())
	_ = o.Set("resultAvailableAfter", ms(s.ResultAvailableAfter()))
	_ = o.Set("resultConsumedAfter", ms(s.ResultConsumedAfter()))
	return o
}
