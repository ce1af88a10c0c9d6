package io.runcell.core.account;

import java.util.List;
import java.util.Optional;

/** Persistence of accounts. */
public interface AccountRepository {

    void insert(Account account);

    void update(Account account);

    Optional<Account> findById(String id);

    Optional<Account> findByName(String name);

    List<Account> list();

    long count();
}
