-- Indexes for the Home screen: open tasks by due date, contracts by expiry
-- and renewal date.
CREATE INDEX tasks_open_by_due ON tasks (due) WHERE deleted_at IS NULL AND done = 0;
CREATE INDEX purchases_by_expiry ON purchases (expiry_date) WHERE deleted_at IS NULL;
CREATE INDEX purchases_by_renewal ON purchases (renewal_date) WHERE deleted_at IS NULL;
