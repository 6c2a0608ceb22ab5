// Schema migrations, applied in order; PRAGMA user_version records how far a database has come.
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES areas(id),
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL
  );
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator','approver','district','admin')),
    area_id INTEGER REFERENCES areas(id),
    created_at INTEGER NOT NULL
  );
  CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('session','api')),
    name TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER
  );
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('speaker','led')),
    area_id INTEGER NOT NULL REFERENCES areas(id),
    latitude REAL,
    longitude REAL,
    address TEXT NOT NULL DEFAULT '',
    enrol_token_hash TEXT,
    enrol_expires_at INTEGER,
    enrolled_at INTEGER,
    mqtt_password_hash TEXT,
    public_key TEXT,
    online INTEGER NOT NULL DEFAULT 0,
    session INTEGER NOT NULL DEFAULT 0,
    last_seen INTEGER,
    agent_version TEXT,
    telemetry TEXT,
    manifest_hash TEXT,
    manifest_version INTEGER NOT NULL DEFAULT 0,
    manifest_published_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    original_name TEXT NOT NULL,
    source_sha256 TEXT,
    source_bytes INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing','ready','failed')),
    error TEXT,
    error_code TEXT,
    duration_ms INTEGER,
    loudness TEXT,
    outputs TEXT,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    processed_at INTEGER
  );
  CREATE TABLE broadcasts (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    media_id INTEGER REFERENCES media(id),
    led TEXT,
    priority TEXT NOT NULL CHECK (priority IN ('normal','priority','emergency')),
    volume INTEGER NOT NULL,
    starts_at INTEGER,
    rrule TEXT,
    duration_ms INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted','approved','rejected','cancelled')),
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    decision_note TEXT,
    cancelled_by INTEGER REFERENCES users(id),
    cancelled_at INTEGER
  );
  CREATE TABLE broadcast_targets (
    broadcast_id TEXT NOT NULL REFERENCES broadcasts(id),
    area_id INTEGER REFERENCES areas(id),
    device_id TEXT REFERENCES devices(id),
    CHECK ((area_id IS NULL) <> (device_id IS NULL))
  );
  CREATE INDEX broadcast_targets_by_broadcast ON broadcast_targets(broadcast_id);
  CREATE TABLE playback_records (
    receipt_id TEXT PRIMARY KEY,
    occurrence_id TEXT NOT NULL,
    broadcast_id TEXT NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(id),
    result TEXT NOT NULL,
    reason TEXT,
    scheduled_start INTEGER NOT NULL,
    actual_start INTEGER,
    actual_end INTEGER,
    seconds_played REAL NOT NULL,
    clock_offset_ms REAL,
    evidence TEXT NOT NULL,
    signature TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (occurrence_id, device_id)
  );
  CREATE INDEX playback_by_start ON playback_records(scheduled_start);
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT
  );
  CREATE TABLE hub_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // 2: quiet hours per area, in Vietnam wall time; a window may wrap past midnight (22:00–05:30).
  `
  CREATE TABLE quiet_hours (
    id INTEGER PRIMARY KEY,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1439),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    CHECK (start_minute <> end_minute)
  );
  CREATE INDEX quiet_hours_by_area ON quiet_hours(area_id);
  `,
  // 3: ward outlines for the map (GeoJSON Polygon or MultiPolygon, WGS84); an edited broadcast
  // that replaces an approved one (the old keeps airing until the new is approved); and occurrences
  // a ward official's clash decision takes off some devices.
  `
  ALTER TABLE areas ADD COLUMN boundary TEXT;
  ALTER TABLE areas ADD COLUMN boundary_source TEXT;
  ALTER TABLE broadcasts ADD COLUMN replaces TEXT REFERENCES broadcasts(id);
  CREATE TABLE occurrence_exclusions (
    id INTEGER PRIMARY KEY,
    broadcast_id TEXT NOT NULL REFERENCES broadcasts(id),
    start_at INTEGER NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(id),
    -- the broadcast whose decision this is: the exclusion holds only while that one is approved
    decided_for TEXT NOT NULL REFERENCES broadcasts(id),
    decision TEXT NOT NULL CHECK (decision IN ('air-ours','yield')),
    decided_by INTEGER NOT NULL REFERENCES users(id),
    decided_at INTEGER NOT NULL,
    UNIQUE (broadcast_id, start_at, device_id, decided_for)
  );
  CREATE INDEX occurrence_exclusions_by_broadcast ON occurrence_exclusions(broadcast_id);
  `,
  // 4: why media processing failed, in Vietnamese (error stays English), for the library page.
  `
  ALTER TABLE media ADD COLUMN error_vi TEXT;
  `,
  // 5: lookups the schedule makes on every plan (exclusions by the broadcast they were decided
  // for, edits by the broadcast they replace), and an LED board's display kept in a column of its
  // own, since telemetry without the board's part (it did not answer) must not erase it.
  `
  CREATE INDEX occurrence_exclusions_by_decision ON occurrence_exclusions(decided_for);
  CREATE INDEX broadcasts_by_replaces ON broadcasts(replaces);
  ALTER TABLE devices ADD COLUMN led_display TEXT;
  `,
  // 6: every receipt a device sent, with its admission state (hub/ingest/admission.ts): 'admitted'
  // (the one standing per occurrence and device), 'superseded' (admitted, but another with more
  // evidence of airing stands) or 'rejected' (kept with its reason, never counted).
  // playback_records becomes the view of the admitted ones, so its readers keep their meaning.
  // Records stored before admission existed are carried over as admitted.
  `
  CREATE TABLE receipts (
    receipt_id TEXT PRIMARY KEY,
    occurrence_id TEXT NOT NULL,
    broadcast_id TEXT NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(id),
    result TEXT NOT NULL,
    reason TEXT,
    scheduled_start INTEGER NOT NULL,
    actual_start INTEGER,
    actual_end INTEGER,
    seconds_played REAL NOT NULL,
    clock_offset_ms REAL,
    evidence TEXT NOT NULL,
    signature TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('admitted','superseded','rejected')),
    rejection TEXT CHECK (rejection IN ('unplanned','not-targeted','premature','implausible')),
    rejection_detail TEXT,
    superseded_by TEXT,
    CHECK ((state = 'rejected') = (rejection IS NOT NULL))
  );
  INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state)
    SELECT receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, 'admitted'
      FROM playback_records;
  DROP TABLE playback_records;
  CREATE UNIQUE INDEX receipts_admitted_once ON receipts(occurrence_id, device_id) WHERE state = 'admitted';
  CREATE INDEX receipts_by_start ON receipts(scheduled_start);
  CREATE INDEX receipts_by_received ON receipts(received_at);
  CREATE INDEX receipts_by_broadcast ON receipts(broadcast_id);
  CREATE VIEW playback_records AS
    SELECT receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at
      FROM receipts WHERE state = 'admitted';
  `,
  // 7: the hub's command outbox. Commands (play-now, stop) wait here, signed, until the broker
  // acknowledges them, so a request never waits for the broker and a hub restart loses none.
  `
  CREATE TABLE IF NOT EXISTS command_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // 8: revocation and decommissioning (docs/brokers.md). A revoked device keeps its row and history
  // and may be enrolled again with a new token; a decommissioned one leaves the live fleet for good.
  `
  ALTER TABLE devices ADD COLUMN revoked_at INTEGER;
  ALTER TABLE devices ADD COLUMN decommissioned_at INTEGER;
  `,
  // 9: why a broadcast was decided without a person's note, as a code the UI renders in the reader's
  // language (issue 13.10). The English sentence an emergency used to store becomes its code.
  `
  ALTER TABLE broadcasts ADD COLUMN decision_code TEXT;
  UPDATE broadcasts SET decision_code = 'emergency-self-approved', decision_note = NULL
    WHERE decision_note = 'emergency sent by the district office: approval waived';
  `,
  // 10 (tts): media made from typed text keeps what was typed, what the engine was given after
  // normalisation, the engine and voice (JSON; NULL for uploads), so the text can be edited and
  // read again, and the record says where the audio came from.
  `
  ALTER TABLE media ADD COLUMN tts TEXT;
  `,
  // 11 (issue 13: 4, 11 and failure reasons): a clash choice the approving leader made between two
  // bulletins of the same level (the rest are a ward official's decisions against a higher level);
  // media hidden from the library (archived, restorable) or deleted (files removed; the row stays
  // for the broadcasts that once named it); and the reason code a device gives with a failure, so
  // pages say it in words an official understands (playback_records shows it too).
  `
  ALTER TABLE occurrence_exclusions ADD COLUMN same_level INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE media ADD COLUMN archived_at INTEGER;
  ALTER TABLE media ADD COLUMN deleted_at INTEGER;
  ALTER TABLE receipts ADD COLUMN reason_code TEXT;
  DROP VIEW playback_records;
  CREATE VIEW playback_records AS
    SELECT receipt_id, occurrence_id, broadcast_id, device_id, result, reason, reason_code, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at
      FROM receipts WHERE state = 'admitted';
  `,
  // 12: enrolment finds its device by the token's hash; at province scale (10,000 devices enrolling
  // at once) that must not scan the table. Unique: a token names one device.
  `
  CREATE UNIQUE INDEX devices_by_enrol_token ON devices(enrol_token_hash) WHERE enrol_token_hash IS NOT NULL;
  `,
  // 13 (relay, issue 11.1): a relay broadcast (tiếp âm) keeps its upstream URL, how each occurrence
  // ends and its fallback as JSON (hub/streaming/relay-source.ts); NULL for bulletins of files or LED text.
  `
  ALTER TABLE broadcasts ADD COLUMN relay TEXT;
  `,
  // 14 (relayfix, issue 11.1): what each agent announced it can do in its last live birth (JSON array
  // of strings, e.g. ["audio","opus","relay"]); NULL until it has. The plan leaves a relay out of
  // the manifest of a device that announced capabilities without "relay" (an agent older than relays
  // refuses such a manifest whole), and the reports say why.
  `
  ALTER TABLE devices ADD COLUMN capabilities TEXT;
  `,
  // 15 (issue 10.5, reports at scale): the coverage summary counts a province's admitted receipts a
  // few hundred devices at a time (hub/reports/coverage.ts), reading only those devices' receipts of
  // the period; and it finds an area's rejected claims by claimed start or by receive time, through
  // indexes of the rejected receipts only (a few in a hundred) rather than every receipt of the month.
  `
  CREATE INDEX receipts_admitted_by_device ON receipts(device_id, scheduled_start) WHERE state = 'admitted';
  CREATE INDEX receipts_rejected_by_start ON receipts(scheduled_start) WHERE state = 'rejected';
  CREATE INDEX receipts_rejected_by_received ON receipts(received_at) WHERE state = 'rejected';
  `,
  // 16 (live, issue 11.2): a live session (phát trực tiếp) is a broadcast approved by the act of going
  // live; broadcasts.live holds its session id and buffer as JSON (NULL for every other broadcast),
  // and live_sessions who started it, when it ended and why. Its duration_ms is the maximum while it
  // runs and the actual length once it has ended (coverage and receipt admission read it).
  `
  ALTER TABLE broadcasts ADD COLUMN live TEXT;
  CREATE TABLE IF NOT EXISTS live_sessions (
    id TEXT PRIMARY KEY,
    broadcast_id TEXT NOT NULL REFERENCES broadcasts(id),
    started_by INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT,
    buffer_ms INTEGER NOT NULL,
    max_seconds INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS live_sessions_running ON live_sessions(ended_at);
  `,
  // 17 (live, issue 11.6): a live session records who ended it (a user id; NULL when the hub ended
  // it: the source was lost, it reached its maximum length, or an emergency pre-empted it).
  `
  ALTER TABLE live_sessions ADD COLUMN ended_by INTEGER;
  `,
  // 18 (enemies): a live session's last sign of life (hub time, stamped each second while its
  // source is connected), so a session the hub's crash left open ends at that, not at the restart.
  `
  ALTER TABLE live_sessions ADD COLUMN alive_at INTEGER;
  `,
  // 19 (enemies): when a device announced the capabilities it holds. A lack counts only from then:
  // a birth must not turn the occurrences it missed before into ones it "could not take" (NULL, rows
  // from before: from the beginning, as until now).
  `
  ALTER TABLE devices ADD COLUMN capabilities_at INTEGER;
  `,
  // 20 (ingest3, issue 10.4): a counter of changes to what the plan is made of (broadcasts, their
  // targets, clash exclusions, areas, media, and the devices' kind, area, decommissioning and
  // capabilities), bumped by triggers whatever code or connection writes. The receipt ingest keeps
  // what the plan said per occurrence and device across batches while the counter stands still
  // (hub/ingest/plan-lookup.ts); presence, telemetry and receipts do not move it.
  `
  CREATE TABLE plan_changes (n INTEGER NOT NULL);
  INSERT INTO plan_changes VALUES (0);
  CREATE TRIGGER plan_changed_broadcasts_insert AFTER INSERT ON broadcasts BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_broadcasts_update AFTER UPDATE ON broadcasts BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_broadcasts_delete AFTER DELETE ON broadcasts BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_broadcast_targets_insert AFTER INSERT ON broadcast_targets BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_broadcast_targets_update AFTER UPDATE ON broadcast_targets BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_broadcast_targets_delete AFTER DELETE ON broadcast_targets BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_occurrence_exclusions_insert AFTER INSERT ON occurrence_exclusions BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_occurrence_exclusions_update AFTER UPDATE ON occurrence_exclusions BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_occurrence_exclusions_delete AFTER DELETE ON occurrence_exclusions BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_areas_insert AFTER INSERT ON areas BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_areas_update AFTER UPDATE ON areas BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_areas_delete AFTER DELETE ON areas BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_media_insert AFTER INSERT ON media BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_media_update AFTER UPDATE ON media BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_media_delete AFTER DELETE ON media BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_devices_insert AFTER INSERT ON devices BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_devices_delete AFTER DELETE ON devices BEGIN UPDATE plan_changes SET n = n + 1; END;
  CREATE TRIGGER plan_changed_devices_update AFTER UPDATE OF kind, area_id, decommissioned_at, capabilities, capabilities_at ON devices
    WHEN OLD.kind IS NOT NEW.kind OR OLD.area_id IS NOT NEW.area_id OR OLD.decommissioned_at IS NOT NEW.decommissioned_at
      OR OLD.capabilities IS NOT NEW.capabilities OR OLD.capabilities_at IS NOT NEW.capabilities_at
    BEGIN UPDATE plan_changes SET n = n + 1; END;
  `,
  // 21 (enrolretry): the token a device enrolled with (its hash) and when a request with it was
  // claimed and is still in flight (NULL when none is). A device whose enrolment answer was lost
  // proves its key and gets fresh credentials with the same token for a short while
  // (ENROL_RETRY_WINDOW_MS); a second request while one is in flight gets a retryable 503.
  `
  ALTER TABLE devices ADD COLUMN enrol_spent_hash TEXT;
  ALTER TABLE devices ADD COLUMN enrol_claimed_at INTEGER;
  CREATE INDEX devices_by_spent_enrol_token ON devices(enrol_spent_hash) WHERE enrol_spent_hash IS NOT NULL;
  `,
  // 22 (lunar, issue 14.2): the calendar of anniversaries and holidays a ward must mark, on a solar
  // or a lunar (Vietnamese, UTC+7) date. area_path NULL is a national day (seeded here, changed by
  // admins); a district adds its own for its area. hub/calendar/anniversaries.ts, docs/calendar.md.
  `
  CREATE TABLE anniversaries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    calendar TEXT NOT NULL CHECK (calendar IN ('solar', 'lunar')),
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    area_path TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO anniversaries (name, name_en, calendar, month, day) VALUES
    ('Tết Dương lịch', 'New Year''s Day', 'solar', 1, 1),
    ('Ngày thành lập Đảng Cộng sản Việt Nam', 'Founding of the Communist Party of Vietnam', 'solar', 2, 3),
    ('Ngày Quốc tế Phụ nữ', 'International Women''s Day', 'solar', 3, 8),
    ('Ngày Giải phóng miền Nam, thống nhất đất nước', 'Reunification Day', 'solar', 4, 30),
    ('Ngày Quốc tế Lao động', 'International Workers'' Day', 'solar', 5, 1),
    ('Ngày sinh Chủ tịch Hồ Chí Minh', 'President Ho Chi Minh''s birthday', 'solar', 5, 19),
    ('Ngày Thương binh – Liệt sĩ', 'War Invalids and Martyrs'' Day', 'solar', 7, 27),
    ('Ngày Quốc khánh', 'National Day', 'solar', 9, 2),
    ('Ngày Phụ nữ Việt Nam', 'Vietnamese Women''s Day', 'solar', 10, 20),
    ('Ngày Nhà giáo Việt Nam', 'Vietnamese Teachers'' Day', 'solar', 11, 20),
    ('Ngày thành lập Quân đội nhân dân Việt Nam', 'Founding of the Vietnam People''s Army', 'solar', 12, 22),
    ('Tết Nguyên Đán', 'Lunar New Year (Tết)', 'lunar', 1, 1),
    ('Rằm tháng Giêng', 'First full moon of the year', 'lunar', 1, 15),
    ('Giỗ Tổ Hùng Vương', 'Hung Kings'' Commemoration Day', 'lunar', 3, 10),
    ('Lễ Phật đản', 'Vesak', 'lunar', 4, 15),
    ('Lễ Vu Lan', 'Vu Lan (Ghost Festival)', 'lunar', 7, 15),
    ('Tết Trung thu', 'Mid-Autumn Festival', 'lunar', 8, 15),
    ('Ông Công, ông Táo', 'Kitchen Gods'' Day', 'lunar', 12, 23);
  CREATE INDEX anniversaries_by_area ON anniversaries(area_path);
  `,
  // 23 (cap, issue 14.4): emergency alerts imported in CAP 1.2 (hub/cap). One row per alert message
  // (sender, identifier, sent: CAP's own key, so the same alert imported twice is one row), with its
  // raw XML kept as received, the broadcast it made or acted on, the thread it belongs to (the key of
  // the first Alert its Updates and Cancels refer back to), and why its draft lacks audio or areas
  // (JSON notes the district reads before confirming).
  `
  CREATE TABLE cap_alerts (
    id INTEGER PRIMARY KEY,
    sender TEXT NOT NULL,
    identifier TEXT NOT NULL,
    sent TEXT NOT NULL,
    msg_type TEXT NOT NULL CHECK (msg_type IN ('Alert','Update','Cancel')),
    thread TEXT NOT NULL,
    broadcast_id TEXT REFERENCES broadcasts(id),
    xml TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES users(id),
    imported_at INTEGER NOT NULL,
    UNIQUE (sender, identifier, sent)
  );
  CREATE INDEX cap_alerts_by_broadcast ON cap_alerts(broadcast_id);
  CREATE INDEX cap_alerts_by_thread ON cap_alerts(thread);
  `,
  // 24 (campaign, issue 14.1): campaigns (chuyên đề): a name, a period of Vietnamese civil dates
  // (from_date..to_date inclusive; starts_at..ends_at the instants, ends_at exclusive), the areas
  // it covers, and a target of so many bulletins per week, month or period on every speaker.
  // Archived, never deleted, once a bulletin carries it. broadcast_campaigns tags bulletins.
  // hub/campaigns, docs/campaigns.md.
  `
  CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    target_bulletins INTEGER NOT NULL CHECK (target_bulletins >= 1),
    target_per TEXT NOT NULL CHECK (target_per IN ('week','month','period')),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    archived_at INTEGER,
    CHECK (ends_at > starts_at)
  );
  CREATE TABLE campaign_areas (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    area_path TEXT NOT NULL,
    PRIMARY KEY (campaign_id, area_path)
  );
  CREATE TABLE broadcast_campaigns (
    broadcast_id TEXT NOT NULL REFERENCES broadcasts(id),
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    PRIMARY KEY (broadcast_id, campaign_id)
  );
  CREATE INDEX broadcast_campaigns_by_campaign ON broadcast_campaigns(campaign_id);
  `,
  // 25 (prep, issue 14.3): periodic reports (báo cáo tháng / quý / năm), hub/periodic-reports and
  // docs/periodic-reports.md. One row per version of an area's report for a period; a draft is
  // replaced when regenerated, a signed one keeps its JSON document and PDF bytes for good (the
  // triggers refuse to change them or delete the row, whatever code or connection writes), and
  // becomes superseded only when the revision that replaces it is signed.
  `
  CREATE TABLE periodic_reports (
    id INTEGER PRIMARY KEY,
    area_path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('month','quarter','year')),
    period TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    status TEXT NOT NULL CHECK (status IN ('draft','signed','superseded')),
    document TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    generated_at INTEGER NOT NULL,
    due_by TEXT NOT NULL,
    signed_by INTEGER REFERENCES users(id),
    signed_at INTEGER,
    pdf BLOB,
    pdf_sha256 TEXT,
    revision_of INTEGER REFERENCES periodic_reports(id),
    revision_reason TEXT,
    UNIQUE (area_path, kind, period, version),
    CHECK (status = 'draft' OR (signed_by IS NOT NULL AND signed_at IS NOT NULL AND pdf IS NOT NULL AND pdf_sha256 IS NOT NULL))
  );
  CREATE UNIQUE INDEX periodic_reports_one_draft ON periodic_reports(area_path, kind, period) WHERE status = 'draft';
  CREATE TRIGGER periodic_reports_signed_frozen
    BEFORE UPDATE OF area_path, kind, period, version, document, document_sha256, generated_at, due_by, signed_by, signed_at, pdf, pdf_sha256, revision_of, revision_reason
    ON periodic_reports WHEN OLD.status <> 'draft'
    BEGIN SELECT RAISE(ABORT, 'periodic report is signed: its document and PDF are never changed'); END;
  CREATE TRIGGER periodic_reports_status_forward
    BEFORE UPDATE OF status ON periodic_reports
    WHEN OLD.status = 'superseded' OR (OLD.status = 'signed' AND NEW.status <> 'superseded') OR (OLD.status = 'draft' AND NEW.status = 'superseded')
    BEGIN SELECT RAISE(ABORT, 'periodic report status only moves draft → signed → superseded'); END;
  CREATE TRIGGER periodic_reports_signed_kept
    BEFORE DELETE ON periodic_reports WHEN OLD.status <> 'draft'
    BEGIN SELECT RAISE(ABORT, 'periodic report is signed: it is never deleted'); END;
  `,
];
