// A program that cannot start: says why in one line, and exits 1.
console.error("PORT eighty is not a number");
process.exit(1);
