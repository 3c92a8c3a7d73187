-- Indexes for the api-gateway's retention purge (docs/services.md, "Retention"), so each of its
-- bounded DELETE statements finds its old rows without reading the whole table.

-- created_at never changes, so this index keeps the frequent status updates of outbound_messages
-- HOT; the purge then checks status and updated_at on the rows it found.
CREATE INDEX outbound_messages_created_at ON outbound_messages (created_at);

CREATE INDEX dead_letters_replayed_at ON dead_letters (replayed_at) WHERE replayed_at IS NOT NULL;
CREATE INDEX dead_letters_unreplayed_received_at ON dead_letters (received_at) WHERE replayed_at IS NULL;
