-- audit: what every load read, loaded and quarantined. Created once, appended per file.
create table if not exists audit.quarantine (
    return_kind     varchar,
    source_file     varchar,
    source_sha256   varchar,
    source_row      integer,   -- the row number the partner sees in Excel
    column_name     varchar,
    value           varchar,
    rule            varchar,
    fix             varchar,
    loaded_at       timestamp
);
create table if not exists audit.file_loads (
    return_kind       varchar,
    source_file       varchar,
    source_sha256     varchar,
    rows_in           integer,
    rows_loaded       integer,
    rows_quarantined  integer,
    loaded_at         timestamp
);
