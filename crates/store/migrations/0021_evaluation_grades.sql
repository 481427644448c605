-- The supervisor's desk counts the files that are not 优秀 (few) by grade, not every file.
CREATE INDEX case_evaluations_grade ON case_evaluations (grade, case_id);
