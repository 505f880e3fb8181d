import Postgres

/// A database operation of the worker (taking over a partition, sending the outbox) failed in a
/// way no retry can fix; the worker stops with this error, which says what to do.
struct DatabaseAccessError: Error, CustomStringConvertible {
    /// What the worker was doing, such as `take over partition 3`.
    var operation: String
    /// The PostgreSQL schema the worker uses.
    var schema: String
    /// What failed.
    var underlying: any Error

    var description: String {
        let text = "could not \(operation): \(underlying)"
        let state = (underlying as? PostgresError)?.sqlState
        switch state {
        case "42501":
            return text + "; grant the worker's database role SELECT, INSERT, UPDATE and DELETE on the tables of schema \(schema) "
                + "(and USAGE on the schema), or run the worker as the role that ran `fraudstream migrate`"
        case "42P01", "3F000":
            return text + "; the tables of schema \(schema) are missing: run `fraudstream migrate` with the same --database and "
                + "--schema, or start the worker without --no-migrate"
        default:
            return text
        }
    }
}
