// The SQLite C API, seen by Swift through this one header.
#include <sqlite3.h>
