"""nbgrader's configuration for a course made of bplab's notebooks (each notebook one assignment).

The assignments' sources are source/NN-name/NN-name.ipynb, generated from notebooks/source/ by
``python -m bplab.tools.editions nbgrader``. From this folder:

    nbgrader generate_assignment 03-four-bp-equations   # release/03-four-bp-equations/: the blanks
    nbgrader autograde 03-four-bp-equations             # grades submitted/<student>/03-four-bp-equations/

Copy this folder to your course's root (or point CourseDirectory.root at it) before grading real work.
"""

import os

c = get_config()  # noqa: F821  (nbgrader provides get_config)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "bplab"
# a learner's blank stays runnable: the cleared worked answer becomes a comment, not a raise, and
# check("NN.k", answer) says "not answered yet", as in the learner's edition
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# some notebooks train a network for a minute on a slow machine (nbgrader's default is 30 s per cell)
c.Execute.timeout = 600
