-- Every request's actor asks whether its region and department have sub-units (a scope of one
-- node is an equality): children are found by parent, which a province's trees make many.
CREATE INDEX regions_parent ON regions (parent_id);
CREATE INDEX departments_parent ON departments (parent_id);
