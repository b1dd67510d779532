package pgerr

// SQLSTATE codes the SQL layer reports, named as PostgreSQL's errcodes.txt
// names them (in CamelCase).
const (
	// Class 0A: feature not supported.
	FeatureNotSupported = "0A000"

	// Class 22: data exception.
	StringDataRightTruncation = "22001"
	NumericValueOutOfRange    = "22003"
	DivisionByZero            = "22012"
	CharacterNotInRepertoire  = "22021"
	InvalidTextRepresentation = "22P02"
	InvalidParameterValue     = "22023"

	// Class 23: integrity constraint violation.
	NotNullViolation    = "23502"
	ForeignKeyViolation = "23503"
	UniqueViolation     = "23505"
	CheckViolation      = "23514"

	// Class 25: invalid transaction state.
	ActiveSQLTransaction   = "25001"
	NoActiveSQLTransaction = "25P01"
	InFailedSQLTransaction = "25P02"

	// Class 40: transaction rollback.
	SerializationFailure = "40001"

	// Class XX: internal error.
	InternalError = "XX000"

	// Class 42: syntax error or access rule violation.
	SyntaxError             = "42601"
	InvalidColumnReference  = "42P10"
	UndefinedColumn         = "42703"
	UndefinedTable          = "42P01"
	UndefinedObject         = "42704"
	UndefinedFunction       = "42883"
	DatatypeMismatch        = "42804"
	DuplicateTable          = "42P07"
	DuplicateObject         = "42710"
	DuplicateColumn         = "42701"
	AmbiguousColumn         = "42702"
	InvalidTableDefinition  = "42P16"
	GroupingError           = "42803"
	InvalidObjectDefinition = "42P17"
)
