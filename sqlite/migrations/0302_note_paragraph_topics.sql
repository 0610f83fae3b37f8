-- Since 2025-10 the wiki writes a topic as a plain paragraph line
-- ("Discussed [RFC: ...](...)") followed by bullets, not as a ### heading.
-- Keep which form a note's topic had, so imported minutes export unchanged.
ALTER TABLE minutes_notes ADD COLUMN paragraph INTEGER NOT NULL DEFAULT 0;
