"""What people and scripts are shown: flat rows (the machine columns), the views that
group them for people, and how a value reads."""
