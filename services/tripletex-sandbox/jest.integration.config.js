const { integrationConfig } = require('../../jest.preset');

// The sandbox needs no Kafka or PostgreSQL.
module.exports = integrationConfig(__dirname, { kafkaAndPostgres: false });
