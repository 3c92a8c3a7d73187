-- What a conversation view shows of a send (docs/admin-api.md, "Conversations"): its text, caption,
-- template name or interactive body, at most 500 characters, written when the row is first recorded
-- (by the api-gateway or the message-sender). Null for rows recorded before this column, and for
-- sends with nothing to show (read receipts, typing indicators). A nullable column without a
-- default: adding it does not rewrite the table.
ALTER TABLE outbound_messages ADD COLUMN preview text;
