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
    rows_superseded   integer,   -- replaced by a corrected file for the same org and year
    loaded_at         timestamp,
    status            varchar,   -- loaded, or rejected (the file could not be read at all)
    reason            varchar    -- why a file was rejected: file, row, column, rule and fix
);
-- Warehouses made before files could be rejected one by one.
alter table audit.file_loads add column if not exists status varchar;
alter table audit.file_loads add column if not exists reason varchar;
-- When each file's content was first seen: a later file supersedes an earlier one.
create table if not exists audit.file_history (
    return_kind     varchar,
    source_file     varchar,
    source_sha256   varchar,
    first_seen      timestamp
);
-- What is in the landing folder now (rewritten by each refresh).
create table if not exists audit.landing_files (
    path            varchar,
    source_file     varchar,
    source_sha256   varchar,
    kind            varchar,
    is_return       boolean,
    duplicate_of    varchar    -- same content as another file: read once
);
-- How each return file of this refresh was read: encoding and delimiter, or its sheets.
create table if not exists audit.file_formats (
    return_kind     varchar,
    source_file     varchar,
    source_sha256   varchar,
    read_as         varchar
);
