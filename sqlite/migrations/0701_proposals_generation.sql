-- A counter that moves on with every change to the proposals table. Read
-- in the same snapshot as the rows, it tells the store whether the
-- proposals it decoded earlier are still the stored ones: an agenda reads
-- every open proposal, and decoding a thousand rows costs more than
-- building the agenda.
CREATE TABLE proposals_generation (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	generation INTEGER NOT NULL
);
INSERT INTO proposals_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER proposals_generation_insert AFTER INSERT ON proposals BEGIN
	UPDATE proposals_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER proposals_generation_update AFTER UPDATE ON proposals BEGIN
	UPDATE proposals_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER proposals_generation_delete AFTER DELETE ON proposals BEGIN
	UPDATE proposals_generation SET generation = generation + 1 WHERE id = 1;
END;
