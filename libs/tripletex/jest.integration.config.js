const { integrationConfig } = require('../../jest.preset');

// Talks HTTP to the Tripletex sandbox only: no Kafka or PostgreSQL needed.
module.exports = integrationConfig(__dirname, { kafkaAndPostgres: false });
