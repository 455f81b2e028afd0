package neo4j

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// The temporal and spatial values of Cypher as scripts see them. Each is a plain object with
// lower-case fields (`d.year`, `p.x`) and a toString() that prints the Cypher literal; passed
// back as a parameter it is the same Cypher value again, nanoseconds and zone included.
// Scripts make new ones with neo4j.types.date(...) and friends.

// Date is a Cypher DATE.
type Date struct{ Year, Month, Day int }

// LocalTime is a Cypher LOCAL TIME.
type LocalTime struct{ Hour, Minute, Second, Nanosecond int }

// Time is a Cypher ZONED TIME: a time of day with an offset from UTC.
type Time struct{ Hour, Minute, Second, Nanosecond, OffsetSeconds int }

// LocalDateTime is a Cypher LOCAL DATETIME.
type LocalDateTime struct{ Year, Month, Day, Hour, Minute, Second, Nanosecond int }

// DateTime is a Cypher ZONED DATETIME: with an offset, and a zone id when it has one.
type DateTime struct {
	Year, Month, Day, Hour, Minute, Second, Nanosecond int
	OffsetSeconds                                      int
	TimeZoneId                                         string //nolint:revive // the name scripts see: timeZoneId, as in Neo4j's JS driver
}

// Duration is a Cypher DURATION: months, days, seconds and nanoseconds kept apart, as Cypher
// does (a month is not a fixed number of seconds).
type Duration struct{ Months, Days, Seconds, Nanoseconds int64 }

// Point2D is a Cypher POINT in 2 dimensions; Srid 7203 is cartesian, 4326 WGS-84.
type Point2D struct {
	Srid int
	X, Y float64
}

// Point3D is a Cypher POINT in 3 dimensions; Srid 9157 is cartesian-3d, 4979 WGS-84-3d.
type Point3D struct {
	Srid    int
	X, Y, Z float64
}

// Float forces a number to be sent as a Cypher FLOAT even when it is integral
// (neo4j.float(2) is 2.0).
type Float struct{ Value float64 }

func (d Date) String() string { return fmt.Sprintf("%s-%02d-%02d", year(d.Year), d.Month, d.Day) }

func (t LocalTime) String() string { return clock(t.Hour, t.Minute, t.Second, t.Nanosecond) }

func (t Time) String() string {
	return clock(t.Hour, t.Minute, t.Second, t.Nanosecond) + offset(t.OffsetSeconds)
}

func (t LocalDateTime) String() string {
	return Date{t.Year, t.Month, t.Day}.String() + "T" + clock(t.Hour, t.Minute, t.Second, t.Nanosecond)
}

func (t DateTime) String() string {
	s := LocalDateTime{t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, t.Nanosecond}.String() + offset(t.OffsetSeconds)
	if t.TimeZoneId != "" {
		s += "[" + t.TimeZoneId + "]"
	}
	return s
}

func (d Duration) String() string {
	return dbtype.Duration{Months: d.Months, Days: d.Days, Seconds: d.Seconds, Nanos: int(d.Nanoseconds)}.String()
}

func (p Point2D) String() string {
	return fmt.Sprintf("point({srid: %d, x: %s, y: %s})", p.Srid, fnum(p.X), fnum(p.Y))
}

func (p Point3D) String() string {
	return fmt.Sprintf("point({srid: %d, x: %s, y: %s, z: %s})", p.Srid, fnum(p.X), fnum(p.Y), fnum(p.Z))
}

func (f Float) String() string { return fnum(f.Value) }

func fnum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func year(y int) string {
	if y >= 0 && y <= 9999 {
		return fmt.Sprintf("%04d", y)
	}
	return fmt.Sprintf("%+d", y)
}

func clock(h, m, s, ns int) string {
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if ns != 0 {
		out += "." + fmt.Sprintf("%09d", ns)
	}
	return out
}

func offset(secs int) string {
	if secs == 0 {
		return "Z"
	}
	sign := "+"
	if secs < 0 {
		sign, secs = "-", -secs
	}
	s := fmt.Sprintf("%s%02d:%02d", sign, secs/3600, secs/60%60)
	if secs%60 != 0 {
		s += fmt.Sprintf(":%02d", secs%60)
	}
	return s
}

// fromDriver turns the driver's temporal and spatial values into ours; other values are
// returned as they are.
func fromDriver(v any) (any, bool) {
	switch v := v.(type) {
	case dbtype.Date:
		t := time.Time(v)
		return Date{t.Year(), int(t.Month()), t.Day()}, true
	case dbtype.LocalTime:
		t := time.Time(v)
		return LocalTime{t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}, true
	case dbtype.Time:
		t := time.Time(v)
		_, off := t.Zone()
		return Time{t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), off}, true
	case dbtype.LocalDateTime:
		t := time.Time(v)
		return LocalDateTime{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}, true
	case time.Time:
		name, off := v.Zone()
		zone := v.Location().String()
		if name == "Offset" || zone == "" {
			zone = ""
		}
		return DateTime{v.Year(), int(v.Month()), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), off, zone}, true
	case dbtype.Duration:
		return Duration{v.Months, v.Days, v.Seconds, int64(v.Nanos)}, true
	case dbtype.Point2D:
		return Point2D{int(v.SpatialRefId), v.X, v.Y}, true
	case dbtype.Point3D:
		return Point3D{int(v.SpatialRefId), v.X, v.Y, v.Z}, true
	}
	return v, false
}

// toDriver turns our value types into the driver's, checking their fields.
func toDriver(v any) (any, error) {
	switch v := v.(type) {
	case Date:
		return dbtype.Date(time.Date(v.Year, time.Month(v.Month), v.Day, 0, 0, 0, 0, time.UTC)), checkDate(v.Year, v.Month, v.Day)
	case LocalTime:
		return dbtype.LocalTime(time.Date(0, 1, 1, v.Hour, v.Minute, v.Second, v.Nanosecond, time.Local)), checkClock(v.Hour, v.Minute, v.Second, v.Nanosecond)
	case Time:
		if err := checkOffset(v.OffsetSeconds); err != nil {
			return nil, err
		}
		loc := time.FixedZone("Offset", v.OffsetSeconds)
		return dbtype.Time(time.Date(0, 1, 1, v.Hour, v.Minute, v.Second, v.Nanosecond, loc)), checkClock(v.Hour, v.Minute, v.Second, v.Nanosecond)
	case LocalDateTime:
		err := checkDate(v.Year, v.Month, v.Day)
		if err == nil {
			err = checkClock(v.Hour, v.Minute, v.Second, v.Nanosecond)
		}
		return dbtype.LocalDateTime(time.Date(v.Year, time.Month(v.Month), v.Day, v.Hour, v.Minute, v.Second, v.Nanosecond, time.Local)), err
	case DateTime:
		err := checkDate(v.Year, v.Month, v.Day)
		if err == nil {
			err = checkClock(v.Hour, v.Minute, v.Second, v.Nanosecond)
		}
		if err == nil {
			err = checkOffset(v.OffsetSeconds)
		}
		loc := time.FixedZone("Offset", v.OffsetSeconds)
		if v.TimeZoneId != "" {
			l, lerr := time.LoadLocation(v.TimeZoneId)
			if lerr != nil {
				return nil, fmt.Errorf("unknown time zone %q", v.TimeZoneId)
			}
			loc = l
		}
		return time.Date(v.Year, time.Month(v.Month), v.Day, v.Hour, v.Minute, v.Second, v.Nanosecond, loc), err
	case Duration:
		if v.Nanoseconds < 0 || v.Nanoseconds >= int64(time.Second) {
			return nil, fmt.Errorf("duration nanoseconds %d: want 0 to 999999999", v.Nanoseconds)
		}
		return dbtype.Duration{Months: v.Months, Days: v.Days, Seconds: v.Seconds, Nanos: int(v.Nanoseconds)}, nil
	case Point2D:
		return dbtype.Point2D{X: v.X, Y: v.Y, SpatialRefId: uint32(v.Srid)}, checkSrid(v.Srid)
	case Point3D:
		return dbtype.Point3D{X: v.X, Y: v.Y, Z: v.Z, SpatialRefId: uint32(v.Srid)}, checkSrid(v.Srid)
	case Float:
		return v.Value, nil
	}
	return nil, fmt.Errorf("a %T cannot be sent to Neo4j", v)
}

// Cypher's temporal range: years -999,999,999 to 999,999,999 and offsets up to ±18 hours.
// Beyond them time.Date would overflow silently and send another value.
const (
	maxYear   = 999_999_999
	maxOffset = 18 * 3600
)

func checkOffset(secs int) error {
	if secs < -maxOffset || secs > maxOffset {
		return fmt.Errorf("offset of %d seconds: want -64800 to 64800 (±18h)", secs)
	}
	return nil
}

func checkDate(y, m, d int) error {
	if y < -maxYear || y > maxYear {
		return fmt.Errorf("year %d: want -999999999 to 999999999", y)
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d {
		return fmt.Errorf("%s-%02d-%02d is not a date", year(y), m, d)
	}
	return nil
}

func checkClock(h, m, s, ns int) error {
	if h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 || ns < 0 || ns >= int(time.Second) {
		return fmt.Errorf("%02d:%02d:%02d.%09d is not a time of day", h, m, s, ns)
	}
	return nil
}

func checkSrid(srid int) error {
	switch srid {
	case 7203, 4326, 9157, 4979:
		return nil
	}
	if srid < 0 || srid > math.MaxUint32 {
		return fmt.Errorf("srid %d is out of range", srid)
	}
	return nil
}
